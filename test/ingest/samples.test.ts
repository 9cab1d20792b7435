/**
 * The real public records in /work/shared/samples: every one must prepare
 * with no reject (DefenderMixed: its non-CloudAppEvents rows are skipped).
 * Expected counts come from reading the files independently here (plain
 * JSON.parse / line counts), not from the code under test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalKey } from '../../src/graph/node-keys.js';
import { rawRecord, type PreparedEvent, type Reject } from '../../src/ingest/prepared-event.js';
import { prepareRecord } from '../../src/ingest/prepare.js';
import { readSource } from '../../src/ingest/formats/read-source.js';

const DIR = '/work/shared/samples';
const files = readdirSync(DIR).filter((f) => f !== 'README.md' && f !== 'schemas.json');

async function prepareFile(name: string): Promise<{ events: PreparedEvent[]; rejects: Reject[] }> {
  const events: PreparedEvent[] = [];
  const rejects: Reject[] = [];
  for await (const r of readSource({ path: join(DIR, name) })) {
    const p = 'kind' in r ? r : prepareRecord(r);
    if ('kind' in p) rejects.push(p);
    else events.push(p);
  }
  return { events, rejects };
}

const jsonLines = (name: string): Record<string, unknown>[] =>
  readFileSync(join(DIR, name), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('samples', () => {
  it('finds the sample files', () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
  });

  for (const name of files) {
    it(`${name}: every record prepares (Defender rows of other tables are skipped)`, async () => {
      const { events, rejects } = await prepareFile(name);
      expect(rejects.filter((r) => r.kind === 'rejected')).toEqual([]);
      expect(events.length).toBeGreaterThan(0);
      const table = name.split('.')[0]!;
      if (table === 'DefenderMixed') {
        expect(new Set(events.map((e) => e.table))).toEqual(new Set(['CloudAppEvents']));
        expect(events.length + rejects.length).toBe(jsonLines(name).length);
      } else {
        expect(rejects).toEqual([]);
        expect(new Set(events.map((e) => e.table))).toEqual(new Set([table]));
      }
      for (const e of events) {
        expect(Number.isFinite(e.time)).toBe(true);
        expect(e.facts.eventId).toBe(e.eventId);
      }
    });
  }

  it('SigninLogs.msticpy.json: one SIGNED_IN per record; records of one request and step share an id', async () => {
    const raw = JSON.parse(readFileSync(join(DIR, 'SigninLogs.msticpy.json'), 'utf8')) as Record<string, unknown>[];
    const { events } = await prepareFile('SigninLogs.msticpy.json');
    expect(events).toHaveLength(raw.length);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(new Set(raw.map((r) => `${r['Id']}|${r['ResultType']}`)).size);
    for (const e of events) {
      const [s] = e.facts.edges;
      expect(s!.kind).toBe('SIGNED_IN');
      expect(s!.from.key).toBe(String(rawRecord(e)['UserPrincipalName']).toLowerCase());
      expect(s!.to.key).toBe(canonicalKey('IP', String(rawRecord(e)['IPAddress'])));
      expect(s!.props['resultType']).toBe(String(rawRecord(e)['ResultType']));
    }
  });

  it('SigninLogs.training-lab.csv: time from CreatedDateTime [UTC], Status folded from Status_dynamic', async () => {
    const { events } = await prepareFile('SigninLogs.training-lab.csv');
    for (const e of events) {
      const status = JSON.parse(String(rawRecord(e)['Status_dynamic'] || rawRecord(e)['Status_string'])) as { errorCode: number };
      expect(e.facts.edges[0]!.props['statusCode']).toBe(String(status.errorCode));
      expect(new Date(e.time).getUTCFullYear()).toBe(2021);
    }
  });

  it('IdentityInfo.sentinel-sample.csv: one HAS_ROLE per assigned role', async () => {
    const { events } = await prepareFile('IdentityInfo.sentinel-sample.csv');
    for (const e of events) {
      const roles = rawRecord(e)['AssignedRoles'] ? (JSON.parse(String(rawRecord(e)['AssignedRoles'])) as string[]) : [];
      expect(e.facts.edges.map((x) => x.props['role'])).toEqual(roles);
      for (const x of e.facts.edges) expect(x.from.key).toBe(String(rawRecord(e)['AccountUPN']).toLowerCase());
    }
  });

  it('SecurityAlert.excytin.json: ALERTED to each top-level account/ip/host entity; AadUserId-only accounts keyed by it', async () => {
    const { events } = await prepareFile('SecurityAlert.excytin.json');
    let aadOnly = 0;
    for (const e of events) {
      const ents = (JSON.parse(String(rawRecord(e)['Entities'])) as Record<string, unknown>[]).filter((x) => !('$ref' in x));
      const named = ents.filter((x) => x['Type'] === 'account' && (x['Name'] || x['AadUserId']));
      const accountEdges = e.facts.edges.filter((x) => x.props['entityType'] === 'account');
      expect(new Set(accountEdges.map((x) => x.to.key)).size).toBe(accountEdges.length);
      expect(accountEdges.length).toBeLessThanOrEqual(named.length);
      for (const x of ents.filter((y) => y['Type'] === 'account' && !y['Name'] && y['AadUserId'])) {
        aadOnly += 1;
        expect(accountEdges.map((y) => y.to.key)).toContain(String(x['AadUserId']).toLowerCase());
      }
    }
    expect(aadOnly).toBeGreaterThan(0);
  });

  it('DefenderMixed: CloudAppEvents rows keep their ReportId in the event id; the others are skipped with a reason', async () => {
    const { events, rejects } = await prepareFile('DefenderMixed.otrf-goldensaml.ndjson');
    for (const e of events) expect(e.eventId.startsWith(`CloudAppEvents:${String(rawRecord(e)['ReportId'])}:`)).toBe(true);
    expect(rejects.every((r) => r.kind === 'skipped' && r.message.length > 0)).toBe(true);
  });

  it('AuditLogs samples: stored with no edges (application management only); the CSV without a time column takes the file time', async () => {
    const nd = await prepareFile('AuditLogs.otrf-goldensaml.ndjson');
    expect(nd.events.every((e) => e.facts.edges.length === 0)).toBe(true);
    expect(nd.events.map((e) => e.time)).toEqual(jsonLines('AuditLogs.otrf-goldensaml.ndjson').map((r) => Date.parse(String(r['TimeGenerated']))));
    const csv = await prepareFile('AuditLogs.training-lab-hunting.csv');
    expect(csv.events.every((e) => e.eventId === `AuditLogs:${String(rawRecord(e)['Id'])}`)).toBe(true);
  });
});
