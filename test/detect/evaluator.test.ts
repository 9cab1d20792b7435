import { describe, expect, it } from 'vitest';
import { huntRows, runDetector } from '../../src/detect/batch.js';
import { loadCatalog, loadDetectorDocument } from '../../src/detect/catalog.js';
import { StreamingEngine } from '../../src/detect/streaming.js';
import { formatRow } from '../../src/detect/detection.js';
import { TemporalGraph } from '../../src/graph/temporal-graph.js';
import type { EventFacts } from '../../src/graph/facts.js';
import { at, edgeEvent, ip, mfaRegistration, signIn, user } from './facts-builders.js';

const catalog = loadCatalog();
const pattern = (id: string) => catalog.get(id)!.pattern;

function graphOf(events: EventFacts[]): TemporalGraph {
  const g = new TemporalGraph();
  for (const e of events) g.apply(e);
  return g;
}

describe('hunt 1 in batch: registration from an IP outside the baseline', () => {
  const start = at('2026-10-10T00:00:00Z');
  const end = at('2026-10-10T23:59:59.999Z');
  const events = [
    signIn('Alice@Contoso.com', '10.0.0.1', '2026-10-01T08:00:00Z'),
    signIn('alice@contoso.com', '10.0.0.2', '2026-10-02T08:00:00Z'),
    signIn('alice@contoso.com', '203.0.113.5', '2026-10-02T09:00:00Z', { resultType: 50126 }),
    mfaRegistration('alice@contoso.com', '203.0.113.5', '2026-10-10T10:00:00Z'),
    mfaRegistration('ALICE@contoso.com', '10.0.0.2', '2026-10-10T11:00:00Z'),
    mfaRegistration('bob@contoso.com', '10.9.9.9', '2026-10-10T12:00:00Z'),
  ];
  const rows = huntRows(pattern('mfa-registration-unseen-ip'), graphOf(events), { start, end });

  it('reports the unseen IP with the baseline size and the user without baseline with null', () => {
    expect(rows).toEqual([
      expect.objectContaining({ UserUpn: 'bob@contoso.com', RegIp: '10.9.9.9', KnownIPCount: null, AccountName: 'bob', AccountUPNSuffix: 'contoso.com' }),
      expect.objectContaining({ UserUpn: 'alice@contoso.com', RegIp: '203.0.113.5', KnownIPCount: 2, TimeGenerated: '2026-10-10T10:00:00.000Z' }),
    ]);
  });
  it('does not report a registration from a baseline IP (UPN case differs)', () => {
    expect(rows.some((r) => r['RegIp'] === '10.0.0.2')).toBe(false);
  });
});

describe('hunt 1: the baseline window [start - lookback, start), to the millisecond', () => {
  const ips = ['10.1.0.1', '10.1.0.2', '10.1.0.3', '10.1.0.4'];
  const events = [
    signIn('dave@contoso.com', ips[0]!, '2026-10-09T00:00:00.000Z'), // start - lookback: in
    signIn('dave@contoso.com', ips[1]!, '2026-10-09T23:59:59.999Z'), // 1 ms before start: in
    signIn('dave@contoso.com', ips[2]!, '2026-10-08T23:59:59.999Z'), // 1 ms before the window: out
    signIn('dave@contoso.com', ips[3]!, '2026-10-10T00:00:00.000Z'), // at start: out
    mfaRegistration('dave@contoso.com', '203.0.113.9', '2026-10-10T10:00:00Z'),
  ];
  const g = graphOf(events);
  const p = pattern('mfa-registration-unseen-ip');
  const params = { lookback: 86_400_000 };

  it('counts the sign-ins at both ends inside it and none outside', () => {
    const rows = huntRows(p, g, { start: at('2026-10-10T00:00:00Z'), end: at('2026-10-10T23:59:59.999Z'), params });
    expect(rows.map((r) => [r['RegIp'], r['KnownIPCount']])).toEqual([['203.0.113.9', 2]]);
  });
  it('is empty for a run over all time (its start has nothing before it)', () => {
    const rows = huntRows(p, g, { start: -Infinity, end: Infinity, params });
    expect(rows.map((r) => [r['RegIp'], r['KnownIPCount']])).toEqual([['203.0.113.9', null]]);
  });
});

describe('hunt 3: risky sign-in then device registration within 6h', () => {
  const oid = 'oid-carol';
  const reg = (time: string) =>
    edgeEvent('DEVICE_OWNER', user('carol@contoso.com'), { kind: 'Device', key: 'dev-1' }, time, {
      table: 'CloudAppEvents',
      actionType: 'Add registered owner to device.',
      accountDisplayName: 'Device Registration Service',
      reportId: `r-${time}`,
      accountUpn: 'carol@contoso.com',
      accountObjectId: oid,
      deviceObjectId: 'dev-1',
      deviceDisplayName: 'DESKTOP-1',
    });
  const risky = (time: string, risk: string | number, session = 's1') =>
    edgeEvent('SIGNED_IN', user('carol@contoso.com'), ip('198.51.100.4'), time, {
      table: 'EntraIdSignInEvents',
      upn: 'carol@contoso.com',
      userId: oid,
      ip: '198.51.100.4',
      app: 'OfficeHome',
      risk,
      sessionId: session,
    });
  const range = { start: at('2026-10-01T00:00:00Z'), end: at('2026-10-31T00:00:00Z') };

  it('uses the earliest sign-in of a session and honours both sides of the 6h bound', () => {
    const g = graphOf([
      risky('2026-10-05T00:00:00Z', 50),
      risky('2026-10-05T05:00:00Z', '50'), // same session by value: collapses into the 00:00 row
      reg('2026-10-05T05:59:59.999Z'), // 5:59:59.999 after the earliest: in
      reg('2026-10-05T06:00:00Z'), // exactly 6h: out
      risky('2026-10-07T10:00:00Z', 100, 's2'),
      reg('2026-10-07T09:00:00Z'), // before the sign-in: out
    ]);
    const rows = huntRows(pattern('risky-signin-device-registration'), g, range);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      DeviceRegistrationTimestamp: '2026-10-05T05:59:59.999Z',
      SignInTimestamp: '2026-10-05T00:00:00.000Z',
      RiskLevelDuringSignIn: 50,
      SessionId: 's1',
    });
  });
});

describe('streaming', () => {
  it('withdraws a hunt 1 detection when a late baseline sign-in arrives', () => {
    const p = pattern('mfa-registration-unseen-ip');
    const g = new TemporalGraph();
    const s = new StreamingEngine([p], g, { lateness: 60 * 86_400_000 });
    const feed = (e: EventFacts) => s.apply(g.apply(e));
    const first = feed(mfaRegistration('dave@contoso.com', '192.0.2.77', '2026-10-10T10:00:00Z'));
    expect(first.upserted.map((d) => formatRow(p, d.row)['RegIp'])).toEqual(['192.0.2.77']);
    // A sign-in 2 days before, logged late: the IP was known, so the detection is refuted.
    const late = feed(signIn('dave@contoso.com', '192.0.2.77', '2026-10-08T10:00:00Z'));
    expect(late.withdrawn).toHaveLength(1);
    expect(s.current()).toHaveLength(0);
    // A sign-in within the day before the registration is left out on purpose: still reported.
    const g2 = new TemporalGraph();
    const s2 = new StreamingEngine([p], g2, { lateness: 60 * 86_400_000 });
    s2.apply(g2.apply(mfaRegistration('erin@contoso.com', '192.0.2.78', '2026-10-10T10:00:00Z')));
    s2.apply(g2.apply(signIn('erin@contoso.com', '192.0.2.78', '2026-10-10T09:00:00Z')));
    expect(s2.current()).toHaveLength(1);
  });

  it('equals anchored batch for every built-in detector on the same events', () => {
    const events = [
      signIn('f@c.com', '10.1.1.1', '2026-10-01T00:00:00Z'),
      mfaRegistration('f@c.com', '10.1.1.1', '2026-10-03T00:00:00Z'),
      mfaRegistration('f@c.com', '10.7.7.7', '2026-10-03T01:00:00Z'),
      signIn('f@c.com', '10.7.7.7', '2026-10-01T05:00:00Z'),
    ];
    const all = [...catalog.values()].map((e) => e.pattern);
    const g = new TemporalGraph();
    const s = new StreamingEngine(all, g, { lateness: 1e12 });
    for (const e of [...events].reverse()) s.apply(g.apply(e));
    for (const p of all) {
      const batch = runDetector(p, g, { start: -Infinity, end: Infinity, anchored: true }).map((d) => d.id).sort();
      const streamed = s.current().filter((d) => d.detector === p.id).map((d) => d.id).sort();
      expect(streamed, p.id).toEqual(batch);
    }
  });
});

describe('detection entities', () => {
  it('name each node once, sorted, when two pattern variables bind the same node', () => {
    // The sprayed account that then signs in is bound by both the failure clause and the success clause.
    const events = [
      signIn('ann@contoso.com', '203.0.113.9', '2026-10-01T10:00:00Z', { resultType: '50126' }),
      signIn('bo@contoso.com', '203.0.113.9', '2026-10-01T10:05:00Z', { resultType: '50126' }),
      signIn('ann@contoso.com', '203.0.113.9', '2026-10-01T11:00:00Z', { app: 'Azure Portal' }),
    ];
    const found = runDetector(pattern('password-spray-then-success'), graphOf(events), { start: -Infinity, end: Infinity, params: { minAccounts: 2 } });
    expect(found.length).toBeGreaterThan(0);
    for (const d of found) {
      const keys = d.entities.map((n) => `${n.kind}:${n.key}`);
      expect(keys).toEqual([...new Set(keys)].sort());
      expect(keys).toContain('User:ann@contoso.com');
    }
  });
});

describe('collapse keys', () => {
  // A single text or number is its own key; anything else is tagged JSON. Text that looks like a tag must not meet it.
  const collapsing = loadDetectorDocument(
    {
      id: 'collapse-by-expression',
      name: 'collapse by an expression',
      description: 'the earliest sign-in per value of an expression that is sometimes true, sometimes text',
      severity: 'low',
      tactics: ['InitialAccess'],
      techniques: ['T1078'],
      tables: ['SigninLogs'],
      pattern: {
        match: [{ as: 's', edge: 'SIGNED_IN', from: 'user', to: 'ip', collapse: { by: ["iff(s.app == 'x', true, s.app)"] } }],
        project: { App: 's.app', T: 's.time' },
      },
    },
    'collapse-by-expression.yaml',
  ).pattern;
  const events = [
    signIn('a@contoso.com', '10.0.0.1', '2026-10-01T08:00:00Z', { app: 'x' }),
    signIn('a@contoso.com', '10.0.0.1', '2026-10-01T09:00:00Z', { app: '\u0000j[true]' }),
    signIn('a@contoso.com', '10.0.0.1', '2026-10-01T10:00:00Z', { app: '42' }),
    signIn('a@contoso.com', '10.0.0.1', '2026-10-01T11:00:00Z', { app: 'x' }),
  ];

  it('keeps one occurrence per distinct value, text never taken for a tagged or numeric key', () => {
    const rows = huntRows(collapsing, graphOf(events), { start: -Infinity, end: Infinity });
    expect(rows.map((r) => r['App']).sort()).toEqual(['\u0000j[true]', '42', 'x']);
    expect(rows.find((r) => r['App'] === 'x')!['T']).toBe('2026-10-01T08:00:00.000Z');
  });
});
