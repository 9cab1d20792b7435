/**
 * Every built-in detector's streaming cases end to end over HTTP: each case's
 * raw records posted to POST /v1/events one request per event in arrival
 * order (the engine judges each request's batch), then GET /v1/detections for
 * the detector must give exactly the case's expected streaming rows. Cases
 * that are batch-only or override parameters (streaming has no per-run
 * parameters) are left to `idgraph test-detectors`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinDetectorsDir } from '../../src/detect/catalog.js';
import { arrivalOrder, diffRows, loadCasesFile } from '../../src/detect/cases/run-cases.js';
import { prepareRecord } from '../../src/ingest/prepare.js';
import type { PreparedEvent } from '../../src/ingest/prepared-event.js';
import { call } from './harness.js';
import { startV1 } from './v1-harness.js';

const files = readdirSync(builtinDetectorsDir())
  .filter((f) => f.endsWith('.cases.yaml'))
  .sort()
  .map((f) => join(builtinDetectorsDir(), f));

describe('built-in detector cases through POST /v1/events and GET /v1/detections', () => {
  for (const file of files) {
    const { file: cases } = loadCasesFile(file);
    const detector = cases.detector;
    const streamed = cases.cases.filter((c) => c.mode !== 'batch' && c.params === undefined);
    it(`${detector}: ${streamed.length} streaming case(s)`, async () => {
      expect(streamed.length).toBeGreaterThan(0);
      for (const c of streamed) {
        // Lateness wide enough that arrival order, not the watermark, decides (as the cases runner does).
        const h = await startV1({ lateness: 400 * 86_400_000, memory: true });
        try {
          const prepared = c.events.map((record, i) => prepareRecord({ file, line: i + 1, table: undefined, record }));
          const order = arrivalOrder(c, prepared as PreparedEvent[]);
          for (const i of order) {
            const r = await call(`${h.url}/v1/events`, { token: h.tokens.ingest, body: `${JSON.stringify(c.events[i])}\n`, headers: { 'content-type': 'application/x-ndjson' } });
            expect(r.status, c.name).toBe(200);
            expect(r.body.totals.rejected, `${c.name}: ${JSON.stringify(r.body.rejects)}`).toBe(0);
          }
          const got = await call(`${h.url}/v1/detections?detector=${detector}&limit=500`, { token: h.tokens.read });
          expect(got.status).toBe(200);
          const rows = got.body.items.map((d: { row: Record<string, never> }) => d.row);
          const diff = diffRows(h.engine.catalog.get(detector)!.pattern, c.expectStreaming ?? c.expect, rows);
          expect(diff, `${detector} / ${c.name}`).toEqual({ missing: [], unexpected: [] });
        } finally {
          await h.close();
        }
      }
    }, 120_000);
  }
});
