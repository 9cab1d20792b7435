/**
 * Webhooks against real local HTTP receivers: chain.created and
 * chain.score_crossed as ingestion builds chains, HMAC-SHA256 signatures
 * verified by the receiver, retries on errors, timeouts on a hung receiver
 * without holding up ingestion, and the configuration sources.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/detect/catalog.js';
import { IdgraphEngine } from '../../src/engine/idgraph-engine.js';
import { MemoryDocuments } from '../../src/engine/memory-documents.js';
import { applyToGraph, EventIngest } from '../../src/engine/event-ingest.js';
import { loadWebhooks, WebhookNotifier, type WebhookPayload } from '../../src/engine/webhooks.js';
import { isIdgraphError } from '../../src/errors.js';
import { TemporalGraph } from '../../src/graph/temporal-graph.js';
import { ndjson, SCENARIO } from './v1-harness.js';

const SECRET = 'a-receiver-secret-of-some-length';

interface Received {
  payload: WebhookPayload;
  signatureOk: boolean;
  delivery: string;
  event: string;
}

/** A receiver that checks signatures itself; `answer` decides the status per request (or hangs with 0). */
async function receiver(answer: (n: number) => number = () => 204): Promise<{ url: string; got: Received[]; requests: number; close(): Promise<void> }> {
  const state = { got: [] as Received[], requests: 0 };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
      const given = Buffer.from(String(req.headers['x-idgraph-signature'] ?? ''));
      const status = answer(++state.requests);
      if (status === 0) return; // hang
      state.got.push({
        payload: JSON.parse(body.toString('utf8')) as WebhookPayload,
        signatureOk: given.length === expected.length && timingSafeEqual(given, expected),
        delivery: String(req.headers['x-idgraph-delivery']),
        event: String(req.headers['x-idgraph-event']),
      });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got: state.got,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function engineWith(): Promise<{ engine: IdgraphEngine; ingest: (records: unknown[]) => Promise<unknown> }> {
  const graph = new TemporalGraph();
  const docs = new MemoryDocuments();
  const engine = new IdgraphEngine(loadCatalog(), graph, docs);
  await engine.start();
  const ing = new EventIngest(docs, applyToGraph(graph, engine));
  return { engine, ingest: (records) => ing.ingest({ stream: Readable.from([Buffer.from(ndjson(records))]), name: 'test' }) };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('webhook deliveries', () => {
  it('chain.created per new chain and chain.score_crossed at a threshold, signed', async () => {
    const low = await receiver();
    const high = await receiver();
    cleanups.push(low.close, high.close);
    const { engine, ingest } = await engineWith();
    const notifier = new WebhookNotifier([
      { url: low.url, secret: SECRET, minScore: 0 },
      { url: high.url, secret: SECRET, minScore: 40 },
    ]);
    notifier.attach(engine);
    cleanups.push(() => notifier.close());

    // Alice's failed MFA as an admin: a chain, below 40.
    await ingest(SCENARIO.slice(0, 4));
    await new Promise((r) => setImmediate(r));
    await notifier.idle();
    expect(low.got.map((g) => g.event)).toEqual(['chain.created']);
    expect(high.got).toEqual([]);
    const first = low.got[0]!.payload;
    expect(first.chain.steps.map((s) => s.detector)).toEqual(['privileged-account-failed-mfa']);
    expect(first.chain.score).toBeLessThan(40);

    // The rest of the attack lifts the same chain over 40; Bob's chain is new.
    await ingest(SCENARIO.slice(4));
    await new Promise((r) => setImmediate(r));
    await notifier.idle();
    const alice = engine.listChains().find((c) => c.entities.some((e) => e.key === 'alice@contoso.com'))!;
    const bob = engine.listChains().find((c) => c.entities.some((e) => e.key === 'bob@contoso.com'))!;
    expect(alice.id).toBe(first.chain.id);
    expect(low.got.map((g) => [g.event, g.payload.chain.id])).toEqual([
      ['chain.created', alice.id],
      ['chain.created', bob.id],
    ]);
    expect(high.got.map((g) => [g.event, g.payload.chain.id, g.payload.threshold])).toEqual([['chain.score_crossed', alice.id, 40]]);
    expect(high.got[0]!.payload.previousScore).toBe(first.chain.score);
    expect(high.got[0]!.payload.chain.score).toBe(alice.score);
    for (const g of [...low.got, ...high.got]) {
      expect(g.signatureOk).toBe(true);
      expect(g.payload.event).toBe(g.event);
      expect(g.payload.deliveryId).toBe(g.delivery);
    }
    expect(notifier.stats).toEqual(expect.objectContaining({ delivered: 3, failed: 0 }));
  });

  it('a tampered body fails the receiver check (the check is not vacuous)', async () => {
    const body = JSON.stringify({ event: 'chain.created' });
    const sig = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const other = `sha256=${createHmac('sha256', SECRET).update(`${body} `).digest('hex')}`;
    expect(sig).not.toBe(other);
  });

  it('retries after an error answer, with the same delivery id', async () => {
    const r = await receiver((n) => (n === 1 ? 503 : 200));
    cleanups.push(r.close);
    const notifier = new WebhookNotifier([{ url: r.url, secret: SECRET, minScore: 0 }], { backoffMs: 10 });
    const { engine, ingest } = await engineWith();
    notifier.attach(engine);
    cleanups.push(() => notifier.close());
    await ingest(SCENARIO.slice(6)); // Bob: one new chain
    await new Promise((res) => setImmediate(res));
    await notifier.idle();
    expect(r.requests).toBe(2);
    expect(r.got.map((g) => g.delivery)).toHaveLength(2);
    expect(new Set(r.got.map((g) => g.delivery)).size).toBe(1);
    expect(notifier.stats).toEqual(expect.objectContaining({ delivered: 1, failed: 0, attempts: 2 }));
  });

  it('a hung receiver times out and gives up without holding up ingestion', async () => {
    const r = await receiver(() => 0);
    cleanups.push(r.close);
    const errors: string[] = [];
    const notifier = new WebhookNotifier([{ url: r.url, secret: SECRET, minScore: 0 }], { timeoutMs: 150, attempts: 2, backoffMs: 10, onError: (m) => errors.push(m) });
    const { engine, ingest } = await engineWith();
    notifier.attach(engine);
    cleanups.push(() => notifier.close());
    await ingest(SCENARIO.slice(0, 4));
    await ingest(SCENARIO.slice(4));
    // Ingestion is done while the first delivery is still waiting on the receiver.
    expect(notifier.stats.delivered + notifier.stats.failed).toBe(0);
    await new Promise((res) => setImmediate(res));
    await notifier.idle();
    expect(r.requests).toBeGreaterThanOrEqual(2);
    expect(notifier.stats.failed).toBeGreaterThanOrEqual(1);
    expect(notifier.stats.delivered).toBe(0);
    expect(errors).toContain('webhook delivery failed');
  });
});

describe('webhook configuration', () => {
  it('IDGRAPH_WEBHOOKS wins over <store>/webhooks.json; none configured is an empty list', () => {
    const dir = mkdtempSync(join(tmpdir(), 'idgraph-hooks-'));
    try {
      expect(loadWebhooks(dir, {})).toEqual([]);
      writeFileSync(join(dir, 'webhooks.json'), JSON.stringify([{ url: 'http://127.0.0.1:9/a', secret: SECRET }]));
      expect(loadWebhooks(dir, {})).toEqual([{ url: 'http://127.0.0.1:9/a', secret: SECRET, minScore: 0 }]);
      const env = { IDGRAPH_WEBHOOKS: JSON.stringify([{ url: 'https://siem.example/hook', secret: SECRET, minScore: 30 }]) };
      expect(loadWebhooks(dir, env)).toEqual([{ url: 'https://siem.example/hook', secret: SECRET, minScore: 30 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad configuration is BAD_INPUT naming the source and field, never the secret', () => {
    const cases: [string, string][] = [
      ['not json', 'IDGRAPH_WEBHOOKS'],
      [JSON.stringify([{ url: 'ftp://x/y', secret: SECRET }]), '0.url'],
      [JSON.stringify([{ url: 'http://x/y', secret: 'short' }]), '0.secret'],
      [JSON.stringify([{ url: 'http://x/y', secret: SECRET, minScore: -1 }]), '0.minScore'],
    ];
    for (const [text, where] of cases) {
      try {
        loadWebhooks('/nonexistent', { IDGRAPH_WEBHOOKS: text });
        expect.unreachable(text);
      } catch (err) {
        expect(isIdgraphError(err, 'BAD_INPUT')).toBe(true);
        expect((err as Error).message).toContain(where);
        expect((err as Error).message).not.toContain(SECRET);
      }
    }
  });
});
