import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { silentLogger } from '../../api/logger.js';
import { createMetricsRegistry } from '../../api/metrics.js';
import { startServer } from '../../api/server.js';

const app = () =>
  createApp({ tokens: { authenticate: async () => null }, routes: [], logger: silentLogger, metrics: createMetricsRegistry({ defaultMetrics: false }) });

describe('startServer', () => {
  it('binds 127.0.0.1 by default, port 0 picks a free port, and announces the URL', async () => {
    const announced: string[] = [];
    const a = await startServer(app(), { port: 0, announce: (u) => announced.push(u) });
    const b = await startServer(app(), { port: 0, announce: () => {} });
    try {
      expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(announced).toEqual([a.url]);
      expect(a.port).toBeGreaterThan(0);
      expect(b.port).not.toBe(a.port);
      expect((a.server.address() as { address: string }).address).toBe('127.0.0.1');
      expect((await fetch(`${b.url}/healthz`)).status).toBe(200);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('close() resolves with a keep-alive connection open, and the port stops answering', async () => {
    const s = await startServer(app(), { port: 0, announce: () => {} });
    await new Promise<void>((resolve, reject) => {
      const req = request(`${s.url}/healthz`, { agent: new Agent({ keepAlive: true }) }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    await s.close();
    await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
  });

  it('rejects when the port is taken', async () => {
    const s = await startServer(app(), { port: 0, announce: () => {} });
    try {
      await expect(startServer(app(), { port: s.port, announce: () => {} })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await s.close();
    }
  });
});
