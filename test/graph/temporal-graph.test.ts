import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIdgraphError } from '../../src/errors.js';
import type { EventFacts } from '../../src/graph/facts.js';
import { TemporalGraph, type NodeMerge } from '../../src/graph/temporal-graph.js';
import { dumpGraph, mfaChange, roleAssigned, signIn } from './graph-fixtures.js';

const alice = { kind: 'User', key: 'alice@contoso.com' } as const;
const ip1 = { kind: 'IP', key: '10.0.0.1' } as const;
const OID = '6b8a7c1e-0000-4000-8000-00000000a11c';

describe('TemporalGraph.apply', () => {
  it('adds nodes, edges and occurrences and reports them with canonical refs', () => {
    const g = new TemporalGraph();
    const added = g.apply(signIn('e1', 1000, alice.key, ip1.key, { props: { app: 'Office 365' } }));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ kind: 'SIGNED_IN', from: alice, to: ip1, time: 1000, eventId: 'e1' });
    const e = g.edge('SIGNED_IN', alice, ip1)!;
    expect(e.size).toBe(1);
    expect(e.prop(0, 'app')).toBe('Office 365');
    expect(e.prop(0, 'table')).toBe('SigninLogs');
    expect(e.prop(0, 'city')).toBeNull();
    expect(e.prop(0, 'noSuchProp')).toBeNull();
    expect(e.prop(0, 'time')).toBe(1000);
    expect(g.outEdges(alice, 'SIGNED_IN')).toEqual([e]);
    expect(g.inEdges(ip1, 'SIGNED_IN')).toEqual([e]);
    expect(g.outEdges(alice, 'SECURITY_INFO')).toEqual([]);
    expect(g.nodeProps(alice)).toEqual({ key: alice.key });
    expect(g.timeSpan()).toEqual({ first: 1000, last: 1000 });
  });

  it('is idempotent: applying an event twice adds nothing', () => {
    const g = new TemporalGraph();
    const ev = roleAssigned('r1', 50, 'admin@contoso.com', alice.key, 'global administrator');
    expect(g.apply(ev)).toHaveLength(2);
    const before = dumpGraph(g);
    expect(g.apply(ev)).toEqual([]);
    expect(dumpGraph(g)).toEqual(before);
    expect(g.stats().totalOccurrences).toBe(2);
  });

  it('keeps two events with the same time apart (different event ids)', () => {
    const g = new TemporalGraph();
    g.apply(signIn('a', 5, alice.key, ip1.key));
    g.apply(signIn('b', 5, alice.key, ip1.key));
    const e = g.edge('SIGNED_IN', alice, ip1)!;
    expect([e.eventId(0), e.eventId(1)]).toEqual(['a', 'b']);
  });

  it('keeps occurrences sorted when events arrive late; ties keep arrival order', () => {
    const g = new TemporalGraph();
    const order: [string, number][] = [
      ['a', 30],
      ['b', 10],
      ['c', 20],
      ['d', 10],
      ['e', 40],
      ['f', 5],
      ['g', 20],
    ];
    for (const [id, t] of order) g.apply(signIn(id, t, alice.key, ip1.key, { props: { app: `app-${id}` } }));
    const e = g.edge('SIGNED_IN', alice, ip1)!;
    const got = Array.from({ length: e.size }, (_, i) => [e.eventId(i), e.time(i), e.prop(i, 'app')]);
    expect(got).toEqual([
      ['f', 5, 'app-f'],
      ['b', 10, 'app-b'],
      ['d', 10, 'app-d'],
      ['c', 20, 'app-c'],
      ['g', 20, 'app-g'],
      ['a', 30, 'app-a'],
      ['e', 40, 'app-e'],
    ]);
    expect(g.timeSpan()).toEqual({ first: 5, last: 40 });
  });

  it('merges node props: first non-empty value wins', () => {
    const g = new TemporalGraph();
    g.apply(signIn('a', 1, alice.key, ip1.key, { userProps: { displayName: '', upn: alice.key } }));
    g.apply(signIn('b', 2, alice.key, ip1.key, { userProps: { displayName: 'Alice', upn: 'other' } }));
    g.apply(signIn('c', 3, alice.key, ip1.key, { userProps: { displayName: 'Alice B' } }));
    expect(g.nodeProps(alice)).toEqual({ key: alice.key, upn: alice.key, displayName: 'Alice' });
  });

  it('rejects facts outside the schema with BAD_INPUT and changes nothing', () => {
    const g = new TemporalGraph();
    const good = signIn('a', 1, alice.key, ip1.key);
    const badProp: EventFacts = { ...good, edges: [{ ...good.edges[0]!, props: { bogus: 'x' } }] };
    const badEnd: EventFacts = { ...good, edges: [{ ...good.edges[0]!, to: { kind: 'Role', key: 'x' } }] };
    const badTime: EventFacts = { ...good, edges: [{ ...good.edges[0]!, time: Number.NaN }] };
    for (const ev of [badProp, badEnd, badTime]) {
      let err: unknown;
      try {
        g.apply(ev);
      } catch (e) {
        err = e;
      }
      expect(isIdgraphError(err, 'BAD_INPUT')).toBe(true);
    }
    expect(g.stats().totalNodes).toBe(0);
  });

  it('stores numbers, booleans and empty strings as given', () => {
    const g = new TemporalGraph();
    g.apply(signIn('a', 1, alice.key, ip1.key, { props: { risk: 3, statusCode: '', userAgent: true as unknown as string } }));
    const e = g.edge('SIGNED_IN', alice, ip1)!;
    expect(e.prop(0, 'risk')).toBe(3);
    expect(e.prop(0, 'statusCode')).toBe('');
    expect(e.prop(0, 'userAgent')).toBe(true);
  });
});

describe('lowerBound / upperBound', () => {
  it('match a naive filter on any insertion order (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 0, maxLength: 120 }),
        fc.array(fc.integer({ min: -2, max: 42 }), { minLength: 1, maxLength: 20 }),
        (times, queries) => {
          const g = new TemporalGraph();
          times.forEach((t, i) => g.apply(signIn(`e${i}`, t, alice.key, ip1.key)));
          const e = g.edge('SIGNED_IN', alice, ip1);
          if (times.length === 0) return e === undefined;
          const expected = times.map((t, i) => ({ t, id: `e${i}` })).sort((a, b) => a.t - b.t); // stable: ties keep arrival
          const got = Array.from({ length: e!.size }, (_, i) => ({ t: e!.time(i), id: e!.eventId(i) }));
          expect(got).toEqual(expected);
          for (const q of [...queries, ...times]) {
            expect(e!.lowerBound(q)).toBe(times.filter((t) => t < q).length);
            expect(e!.upperBound(q)).toBe(times.filter((t) => t <= q).length);
          }
          return true;
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('entity resolution', () => {
  const upn = 'alice@contoso.com';
  const byOid = (id: string, t: number) => signIn(id, t, OID, '10.0.0.9', { userProps: { objectId: OID, displayName: 'Alice (oid)' } });
  const byUpn = (id: string, t: number) =>
    signIn(id, t, upn, '10.0.0.1', { aliases: [OID], userProps: { upn, objectId: OID, displayName: 'Alice' } });

  it('merges a user first seen by object id into its UPN node', () => {
    const g = new TemporalGraph();
    const merges: NodeMerge[] = [];
    g.onMerge((m) => merges.push(m));
    g.apply(byOid('o1', 10));
    g.apply(byOid('o2', 30));
    expect(g.resolve('User', OID)).toBe(OID);
    g.apply(byUpn('u1', 20));
    expect(merges).toEqual([{ absorbed: { kind: 'User', key: OID }, into: { kind: 'User', key: upn } }]);
    expect(g.resolve('User', OID)).toBe(upn);
    expect(g.resolve('User', upn)).toBe(upn);
    expect(g.hasNode({ kind: 'User', key: OID })).toBe(false);
    expect([...g.nodesOfKind('User')]).toEqual([{ kind: 'User', key: upn }]);
    expect(g.nodeAliases({ kind: 'User', key: upn })).toEqual([OID]);
    const moved = g.edge('SIGNED_IN', { kind: 'User', key: upn }, { kind: 'IP', key: '10.0.0.9' })!;
    expect([moved.eventId(0), moved.eventId(1)]).toEqual(['o1', 'o2']);
    expect(moved.from).toEqual({ kind: 'User', key: upn });
    expect(g.inEdges({ kind: 'IP', key: '10.0.0.9' }, 'SIGNED_IN')).toEqual([moved]);
    expect(g.nodeProps({ kind: 'User', key: upn })).toEqual({ key: upn, upn, objectId: OID, displayName: 'Alice' });
    expect(g.stats().nodes.User).toBe(1);
    expect(g.stats().edges.SIGNED_IN).toBe(2);
    // Later object-id-only events land on the UPN node.
    const added = g.apply(byOid('o3', 40));
    expect(added[0]!.from).toEqual({ kind: 'User', key: upn });
  });

  it('gives the same graph in either order (object id first, UPN first)', () => {
    const events = [byOid('o1', 10), byUpn('u1', 20), byOid('o2', 30), byUpn('u2', 5)];
    const a = new TemporalGraph();
    for (const ev of events) a.apply(ev);
    const b = new TemporalGraph();
    for (const ev of [events[1]!, events[3]!, events[0]!, events[2]!]) b.apply(ev);
    expect(dumpGraph(a)).toEqual(dumpGraph(b));
    expect([...a.nodesOfKind('User')]).toHaveLength(1);
  });

  it('merges occurrences of the same edge into time order', () => {
    const g = new TemporalGraph();
    g.apply(signIn('o1', 10, OID, '10.0.0.1'));
    g.apply(signIn('o2', 40, OID, '10.0.0.1'));
    g.apply(signIn('u1', 20, upn, '10.0.0.1'));
    g.apply(signIn('u2', 50, upn, '10.0.0.1'));
    g.apply(signIn('u3', 30, upn, '10.0.0.2', { aliases: [OID] }));
    const e = g.edge('SIGNED_IN', { kind: 'User', key: upn }, { kind: 'IP', key: '10.0.0.1' })!;
    expect(Array.from({ length: e.size }, (_, i) => e.eventId(i))).toEqual(['o1', 'u1', 'o2', 'u2']);
    expect(g.stats().edges.SIGNED_IN).toBe(2);
    expect(g.stats().occurrences.SIGNED_IN).toBe(5);
  });

  it('moves in-edges and self-loops of the absorbed node', () => {
    const g = new TemporalGraph();
    g.apply(roleAssigned('r1', 10, OID, OID, 'helpdesk administrator')); // actor == target: a self-loop
    g.apply(roleAssigned('r2', 20, 'admin@contoso.com', OID, 'global administrator'));
    g.apply(signIn('u1', 30, upn, '10.0.0.1', { aliases: [OID] }));
    const u = { kind: 'User', key: upn } as const;
    expect(g.edge('INITIATED_ROLE_CHANGE', u, u)?.size).toBe(1);
    expect(g.edge('INITIATED_ROLE_CHANGE', { kind: 'User', key: 'admin@contoso.com' }, u)?.size).toBe(1);
    expect(g.outEdges(u, 'ROLE_ASSIGNED').map((e) => e.to.key).sort()).toEqual(['global administrator', 'helpdesk administrator']);
    expect(g.graphology.order).toBe(g.stats().totalNodes);
    expect(g.graphology.size).toBe(g.stats().totalEdges);
  });

  it('resolves User keys case-insensitively, other kinds exactly', () => {
    const g = new TemporalGraph();
    g.apply(signIn('a', 1, upn, '10.0.0.1', { aliases: [OID.toUpperCase()] }));
    g.apply(roleAssigned('r', 2, upn, upn, 'Security Reader'));
    expect(g.resolve('User', 'Alice@Contoso.COM')).toBe(upn);
    expect(g.resolve('User', OID.toUpperCase())).toBe(upn);
    expect(g.resolve('User', OID)).toBe(upn);
    expect(g.hasNode({ kind: 'User', key: 'ALICE@contoso.com' })).toBe(true);
    expect(g.resolve('Role', 'Security Reader')).toBe('Security Reader');
    expect(g.resolve('Role', 'security reader')).toBeUndefined();
    expect(g.resolve('User', 'bob@contoso.com')).toBeUndefined();
  });

  it('is deterministic: the same events in the same order give the same graph', () => {
    const evs: EventFacts[] = [];
    for (let i = 0; i < 60; i++) {
      const u = i % 3 === 0 ? `user${i % 7}@contoso.com` : `oid-${i % 7}`;
      evs.push(signIn(`s${i}`, (i * 7919) % 101, u, `10.0.0.${i % 5}`, i % 3 === 0 ? { aliases: [`oid-${i % 7}`] } : {}));
      if (i % 10 === 0) evs.push(mfaChange(`m${i}`, i, u, 'authenticator app', `10.0.0.${i % 5}`));
    }
    const a = new TemporalGraph();
    const b = new TemporalGraph();
    for (const ev of evs) a.apply(ev);
    for (const ev of evs) b.apply(ev);
    expect(JSON.stringify(dumpGraph(a))).toBe(JSON.stringify(dumpGraph(b)));
    expect(JSON.stringify(a.toGraphologyJSON())).toBe(JSON.stringify(b.toGraphologyJSON()));
  });
});

describe('retention', () => {
  it('drops old occurrences, empty edges and edgeless nodes, and returns the count', () => {
    const g = new TemporalGraph();
    g.apply(signIn('a', 10, alice.key, ip1.key));
    g.apply(signIn('b', 20, alice.key, ip1.key));
    g.apply(signIn('c', 15, 'bob@contoso.com', '10.0.0.2', { aliases: ['oid-bob'] }));
    g.apply(signIn('d', 30, alice.key, '10.0.0.3'));
    expect(g.removeBefore(20)).toBe(2);
    expect(g.edge('SIGNED_IN', alice, ip1)?.size).toBe(1);
    expect(g.edge('SIGNED_IN', alice, ip1)?.time(0)).toBe(20);
    expect(g.hasNode({ kind: 'User', key: 'bob@contoso.com' })).toBe(false);
    expect(g.hasNode({ kind: 'IP', key: '10.0.0.2' })).toBe(false);
    expect(g.resolve('User', 'oid-bob')).toBeUndefined();
    expect(g.inEdges({ kind: 'IP', key: '10.0.0.2' }, 'SIGNED_IN')).toEqual([]);
    const s = g.stats();
    expect(s.totalOccurrences).toBe(2);
    expect(s.edges.SIGNED_IN).toBe(2);
    expect(s.nodes.User).toBe(1);
    expect(s.nodes.IP).toBe(2);
    expect(s.timeSpan).toEqual({ first: 20, last: 30 });
    expect(g.graphology.order).toBe(3);
    expect(g.graphology.size).toBe(2);
    expect(g.removeBefore(1000)).toBe(2);
    expect(g.stats().totalNodes).toBe(0);
    expect(g.timeSpan()).toBeNull();
  });

  it('gives an edge emptied by retention a new life when its nodes stay and the pair signs in again', () => {
    const g = new TemporalGraph();
    const ip2 = { kind: 'IP', key: '10.0.0.2' } as const;
    g.apply(signIn('a', 10, alice.key, ip2.key));
    g.apply(signIn('b', 30, alice.key, ip1.key));
    g.apply(signIn('c', 30, 'bob@contoso.com', ip2.key));
    expect(g.removeBefore(20)).toBe(1);
    expect(g.edge('SIGNED_IN', alice, ip2)).toBeUndefined();
    expect(g.apply(signIn('d', 40, alice.key, ip2.key))).toHaveLength(1);
    expect(g.edge('SIGNED_IN', alice, ip2)?.size).toBe(1);
    expect(g.outEdges(alice, 'SIGNED_IN').map((e) => e.to.key).sort()).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(g.edgesOfKind('SIGNED_IN')).toHaveLength(3);
    expect(g.stats().totalOccurrences).toBe(3);
  });

  it('keeps interned values readable after compaction', () => {
    const g = new TemporalGraph();
    for (let i = 0; i < 50; i++) g.apply(signIn(`e${i}`, i, alice.key, ip1.key, { props: { app: `app-${i}` } }));
    expect(g.removeBefore(40)).toBe(40); // a graph's worth turned over: values are compacted
    const e = g.edge('SIGNED_IN', alice, ip1)!;
    expect(Array.from({ length: e.size }, (_, i) => e.prop(i, 'app'))).toEqual(Array.from({ length: 10 }, (_, i) => `app-${40 + i}`));
    expect(g.stats().internedValues).toBeLessThan(20);
    g.compact();
    expect(e.prop(9, 'app')).toBe('app-49');
  });
});

describe('export', () => {
  it('serialises nodes with props and edges with first/last/count in range', () => {
    const g = new TemporalGraph();
    g.apply(signIn('a', 10, alice.key, ip1.key, { userProps: { displayName: 'Alice' } }));
    g.apply(signIn('b', 20, alice.key, ip1.key));
    g.apply(signIn('c', 30, 'bob@contoso.com', ip1.key));
    const all = g.toGraphologyJSON();
    expect(all.nodes).toHaveLength(3);
    expect(all.nodes[0]).toEqual({ key: `User:${alice.key}`, attributes: { kind: 'User', key: alice.key, displayName: 'Alice' } });
    expect(all.edges.map((e) => e.attributes)).toEqual([
      { kind: 'SIGNED_IN', first: 10, last: 20, count: 2 },
      { kind: 'SIGNED_IN', first: 30, last: 30, count: 1 },
    ]);
    const part = g.toGraphologyJSON({ nodes: [alice, ip1], from: 15 });
    expect(part.nodes.map((n) => n.key)).toEqual([`User:${alice.key}`, `IP:${ip1.key}`]);
    expect(part.edges.map((e) => e.attributes)).toEqual([{ kind: 'SIGNED_IN', first: 20, last: 20, count: 1 }]);
  });
});

describe('TemporalGraph.outEdgesActive / inEdgesActive', () => {
  // Random sign-ins (late arrivals, users first seen by object id then merged, retention) and random
  // ranges: the active edges are exactly those whose first and last occurrence straddle the range,
  // so every edge with an occurrence in it is among them.
  // Two heavy users (long out-lists) and eight light ones, so IPs' in-lists grow long too and merges
  // remove edges from long lists of nodes that survive them.
  const USERS = ['ann@contoso.com', 'bo@contoso.com', 'cy@contoso.com', 'di@contoso.com', 'ed@contoso.com', 'flo@contoso.com', 'gil@contoso.com', 'hal@contoso.com', 'ivy@contoso.com', 'jo@contoso.com'];
  // Up to 12 IPs per user: lists long enough to keep spans (SPAN_MIN) and short ones that do not.
  // A UPN event names the object id only sometimes, so merges also land on nodes that already have many edges.
  const eventArb = fc.record({ u: fc.oneof(fc.nat(1), fc.nat(9)), byOid: fc.boolean(), alias: fc.nat(4), ip: fc.oneof(fc.nat(11), fc.nat(2)), time: fc.integer({ min: 0, max: 100 }) });
  it('lists every edge with an occurrence in the range, and only edges spanning it (property)', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 40, maxLength: 120 }), fc.option(fc.integer({ min: 0, max: 60 })), fc.integer({ min: -10, max: 110 }), fc.integer({ min: 0, max: 60 }), (events, cut, lo, len) => {
        const g = new TemporalGraph();
        events.forEach((e, i) => {
          const upn = USERS[e.u]!;
          const oid = `oid-${e.u}`;
          g.apply(signIn(`e${i}`, e.time, e.byOid ? oid : upn, `10.0.0.${e.ip}`, { aliases: e.byOid || e.alias > 0 ? [] : [oid] }));
        });
        if (cut !== null) g.removeBefore(cut);
        const hi = lo + len;
        const spans = (x: { size: number; time(i: number): number }): boolean => x.size > 0 && x.time(0) <= hi && x.time(x.size - 1) >= lo;
        for (const u of g.nodesOfKind('User')) {
          const all = g.outEdges(u, 'SIGNED_IN');
          expect(g.outEdgesActive(u, 'SIGNED_IN', lo, hi)).toEqual(all.filter(spans));
          expect(g.outEdgesActive(u, 'SIGNED_IN', -Infinity, Infinity)).toEqual(all);
        }
        for (const ip of g.nodesOfKind('IP')) {
          expect(g.inEdgesActive(ip, 'SIGNED_IN', lo, hi)).toEqual(g.inEdges(ip, 'SIGNED_IN').filter(spans));
        }
      }),
      { numRuns: 300 },
    );
  });
});
