import { beforeAll, describe, expect, it } from 'vitest';
import { isIdgraphError } from '../../src/errors.js';
import { changesBetween, neighbourhood, neighbours, timeline } from '../../src/graph/entity-view.js';
import { TemporalGraph } from '../../src/graph/temporal-graph.js';
import { mfaChange, roleAssigned, signIn } from './graph-fixtures.js';

/*
 * A small hand-built graph:
 *   alice: sign-ins from 10.0.0.1 at 10, 20, 30 (two apps), from 10.0.0.2 at 45;
 *          MFA change (authenticator app) at 50; gets "global administrator" from admin at 60.
 *   bob:   sign-in from 10.0.0.1 at 25 (shares alice's IP); from 10.0.0.3 at 70.
 *   alice is also known by object id "oid-alice": one sign-in by object id at 5 from 10.0.0.9.
 */
const A = 'alice@contoso.com';
const alice = { kind: 'User', key: A } as const;
let g: TemporalGraph;

beforeAll(() => {
  g = new TemporalGraph();
  g.apply(signIn('s5', 5, 'oid-alice', '10.0.0.9'));
  g.apply(signIn('s10', 10, A, '10.0.0.1', { aliases: ['oid-alice'], props: { app: 'Office 365' } }));
  g.apply(signIn('s30', 30, A, '10.0.0.1', { props: { app: 'Azure Portal' } }));
  g.apply(signIn('s20', 20, A, '10.0.0.1', { props: { app: 'Office 365' } }));
  g.apply(signIn('s25', 25, 'bob@contoso.com', '10.0.0.1'));
  g.apply(signIn('s45', 45, A, '10.0.0.2'));
  g.apply(mfaChange('m50', 50, A, 'authenticator app', '10.0.0.2'));
  g.apply(roleAssigned('r60', 60, 'admin@contoso.com', A, 'global administrator'));
  g.apply(signIn('s70', 70, 'bob@contoso.com', '10.0.0.3'));
});

describe('neighbours', () => {
  it('lists each neighbour per edge kind and direction with counts and first/last seen, busiest first', () => {
    const rows = neighbours(g, alice);
    expect(rows[0]).toEqual({ kind: 'IP', key: '10.0.0.1', edgeKind: 'SIGNED_IN', direction: 'out', count: 3, first: 10, last: 30 });
    expect(rows).toContainEqual({ kind: 'IP', key: '10.0.0.9', edgeKind: 'SIGNED_IN', direction: 'out', count: 1, first: 5, last: 5 });
    expect(rows).toContainEqual({
      kind: 'User',
      key: 'admin@contoso.com',
      edgeKind: 'INITIATED_ROLE_CHANGE',
      direction: 'in',
      count: 1,
      first: 60,
      last: 60,
    });
    expect(rows).toHaveLength(6); // 3 IPs, 1 MFA method, 1 role, 1 actor
  });

  it('restricts to the range and resolves aliases', () => {
    const rows = neighbours(g, { kind: 'User', key: 'OID-ALICE' }, { from: 20, to: 45 });
    expect(rows.map((r) => [r.key, r.count, r.first, r.last])).toEqual([
      ['10.0.0.1', 2, 20, 30],
      ['10.0.0.2', 1, 45, 45],
    ]);
  });

  it('throws NOT_FOUND for an unknown entity', () => {
    let err: unknown;
    try {
      neighbours(g, { kind: 'User', key: 'nobody@contoso.com' });
    } catch (e) {
      err = e;
    }
    expect(isIdgraphError(err, 'NOT_FOUND')).toBe(true);
  });
});

describe('timeline', () => {
  it('merges every edge of the node into time order with props', () => {
    const t = timeline(g, alice);
    expect(t.map((e) => e.eventId)).toEqual(['s5', 's10', 's20', 's30', 's45', 'm50', 'r60', 'r60']);
    expect(t[1]).toEqual({
      edgeKind: 'SIGNED_IN',
      direction: 'out',
      other: { kind: 'IP', key: '10.0.0.1' },
      time: 10,
      eventId: 's10',
      props: { table: 'SigninLogs', ip: '10.0.0.1', app: 'Office 365', resultType: '0' },
    });
    expect(t.filter((e) => e.eventId === 'r60').map((e) => [e.edgeKind, e.direction])).toEqual([
      ['ROLE_ASSIGNED', 'out'],
      ['INITIATED_ROLE_CHANGE', 'in'],
    ]);
  });

  it('honours range, limit and order', () => {
    expect(timeline(g, alice, { from: 20, to: 50, limit: 2 }).map((e) => e.eventId)).toEqual(['s20', 's30']);
    expect(timeline(g, alice, { order: 'desc', limit: 3 }).map((e) => e.time)).toEqual([60, 60, 50]);
    expect(timeline(g, alice, { from: 100 })).toEqual([]);
  });
});

describe('neighbourhood', () => {
  it('finds nodes within depth over both directions', () => {
    const one = neighbourhood(g, alice, 1);
    expect(one.nodes.map((n) => `${n.kind}:${n.key}@${n.depth}`).sort()).toEqual([
      'IP:10.0.0.1@1',
      'IP:10.0.0.2@1',
      'IP:10.0.0.9@1',
      'MfaMethod:alice@contoso.com|authenticator app@1',
      'Role:global administrator@1',
      'User:admin@contoso.com@1',
      'User:alice@contoso.com@0',
    ]);
    const two = neighbourhood(g, alice, 2);
    expect(two.nodes.find((n) => n.key === 'bob@contoso.com')?.depth).toBe(2);
    expect(two.nodes.some((n) => n.key === '10.0.0.3')).toBe(false); // three hops away
    expect(two.edges).toContainEqual({
      kind: 'SIGNED_IN',
      from: { kind: 'User', key: 'bob@contoso.com' },
      to: { kind: 'IP', key: '10.0.0.1' },
      count: 1,
      first: 25,
      last: 25,
    });
    expect(two.truncated).toBe(false);
  });

  it('counts only occurrences in range (asOf) and truncates at maxNodes', () => {
    const early = neighbourhood(g, alice, 2, { asOf: 22 });
    expect(early.nodes.map((n) => n.key).sort()).toEqual(['10.0.0.1', '10.0.0.9', A]);
    expect(early.edges.find((e) => e.to.key === '10.0.0.1')).toMatchObject({ count: 2, first: 10, last: 20 });
    const capped = neighbourhood(g, alice, 2, { maxNodes: 3 });
    expect(capped.nodes).toHaveLength(3);
    expect(capped.truncated).toBe(true);
  });
});

describe('changesBetween', () => {
  it('lists neighbours first seen in (t1, t2]', () => {
    const rows = changesBetween(g, alice, 40, 60);
    expect(rows.map((r) => [r.kind, r.key, r.firstSeen, r.edgeKinds, r.count])).toEqual([
      ['IP', '10.0.0.2', 45, ['SIGNED_IN'], 1],
      ['MfaMethod', 'alice@contoso.com|authenticator app', 50, ['SECURITY_INFO'], 1],
      ['Role', 'global administrator', 60, ['ROLE_ASSIGNED'], 1],
      ['User', 'admin@contoso.com', 60, ['INITIATED_ROLE_CHANGE'], 1],
    ]);
    // 10.0.0.1 was seen before t1, so a sign-in from it inside the period is not a change.
    expect(changesBetween(g, alice, 15, 35)).toEqual([]);
    // The bounds are (t1, t2]: a neighbour first seen exactly at t1 is not new, one at t2 is.
    expect(changesBetween(g, alice, 45, 50).map((r) => r.key)).toEqual(['alice@contoso.com|authenticator app']);
  });
});
