/** Chain exports: BloodHound OpenGraph and STIX 2.1 on a hand-made chain and subgraph. */
import { describe, expect, it } from 'vitest';
import type { Chain, ChainStep } from '../../src/chains/chain-schema.js';
import type { ChainSubgraph } from '../../src/chains/chain-subgraph.js';
import { edgeKindName, toBloodHoundOpenGraph } from '../../src/chains/export/bloodhound.js';
import { STIX_SCO_NAMESPACE, toStixBundle, uuidV5 } from '../../src/chains/export/stix.js';

const share = (total: number) => ({ severity: total, privilege: 0, newTactic: 0, progression: 0, total });

function step(id: string, detector: string, time: string, entities: ChainStep['entities']): ChainStep {
  return {
    detectionId: id,
    detector,
    name: `${detector} name`,
    severity: 'medium',
    tactics: ['Persistence'],
    time,
    firstTime: time,
    entities,
    row: { x: 1 },
    evidence: [{ clause: 'c', role: 'match', edge: 'SIGNED_IN', eventIds: [`ev-${id}`] }],
    score: share(5),
  };
}

const alice = { kind: 'User' as const, key: 'alice@contoso.com' };
const ip4 = { kind: 'IP' as const, key: '203.0.113.9' };
const ip6 = { kind: 'IP' as const, key: '2001:db8::5' };
const mfa = { kind: 'MfaMethod' as const, key: 'alice@contoso.com|authenticator app' };
const device = { kind: 'Device' as const, key: 'dev-1' };

const CHAIN: Chain = {
  id: 'chain-0123456789abcdef',
  aliases: [],
  firstSeen: '2026-10-10T05:00:00.000Z',
  lastSeen: '2026-10-10T09:00:00.000Z',
  score: 10,
  status: 'new',
  tactics: ['InitialAccess', 'Persistence'],
  entities: [device, ip4, ip6, mfa, alice],
  privilegedAccounts: ['alice@contoso.com'],
  steps: [step('d1', 'risky', '2026-10-10T05:00:00.000Z', [alice, ip4, ip6]), step('d2', 'mfa', '2026-10-10T09:00:00.000Z', [alice, mfa, device])],
  triage: [],
};

const SUBGRAPH: ChainSubgraph = {
  nodes: [
    { id: 'User:alice@contoso.com', kind: 'User', key: 'alice@contoso.com', inChain: true, props: { upn: 'alice@contoso.com', displayName: 'Alice', objectId: null } },
    { id: 'IP:203.0.113.9', kind: 'IP', key: '203.0.113.9', inChain: true, props: {} },
    { id: 'IP:10.0.0.1', kind: 'IP', key: '10.0.0.1', inChain: false, props: {} },
  ],
  edges: [
    { id: 'e1', kind: 'SIGNED_IN', source: 'User:alice@contoso.com', target: 'IP:203.0.113.9', count: 3, first: '2026-10-10T05:00:00.000Z', last: '2026-10-10T06:00:00.000Z' },
    { id: 'e2', kind: 'SIGNED_IN', source: 'User:alice@contoso.com', target: 'IP:10.0.0.1', count: 9, first: '2026-10-01T05:00:00.000Z', last: '2026-10-09T06:00:00.000Z' },
  ],
  truncated: true,
};

describe('BloodHound OpenGraph', () => {
  const doc = toBloodHoundOpenGraph(CHAIN, SUBGRAPH);

  it('has a node per subgraph entity, the chain and each step; entities the subgraph left out are added', () => {
    const ids = doc.graph.nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['User:alice@contoso.com', 'IP:10.0.0.1', `chain:${CHAIN.id}`, 'detection:d1', 'detection:d2', `MfaMethod:${mfa.key}`, 'Device:dev-1', 'IP:2001:db8::5']));
    expect(doc.metadata.source_kind).toBe('IDGraph');
    const user = doc.graph.nodes.find((n) => n.id === 'User:alice@contoso.com')!;
    expect(user.kinds).toEqual(['IDG_User']);
    expect(user.properties).toEqual(expect.objectContaining({ displayname: 'Alice', privileged: true, inchain: true, objectid: 'User:alice@contoso.com' }));
  });

  it('edges point at nodes by id; only primitive or homogeneous array properties, no nulls', () => {
    const ids = new Set(doc.graph.nodes.map((n) => n.id));
    for (const e of doc.graph.edges) {
      expect(ids.has(e.start.value) && ids.has(e.end.value)).toBe(true);
      expect(e.start.match_by).toBe('id');
    }
    for (const item of [...doc.graph.nodes, ...doc.graph.edges]) {
      for (const v of Object.values(item.properties)) {
        const ok = ['string', 'number', 'boolean'].includes(typeof v) || (Array.isArray(v) && new Set(v.map((x) => typeof x)).size <= 1 && v.every((x) => typeof x !== 'object'));
        expect(ok, JSON.stringify(v)).toBe(true);
      }
    }
    expect(doc.graph.edges.filter((e) => e.kind === 'IDG_HasStep').map((e) => e.properties['order'])).toEqual([1, 2]);
    expect(doc.graph.edges.filter((e) => e.kind === 'IDG_Involves')).toHaveLength(6);
    expect(edgeKindName('INITIATED_ROLE_CHANGE')).toBe('IDG_InitiatedRoleChange');
  });
});

describe('STIX 2.1', () => {
  it('UUIDv5 matches RFC 9562 (Python uuid5 vectors)', () => {
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  const bundle = toStixBundle(CHAIN);
  const byType = (t: string) => bundle.objects.filter((o) => o.type === t);

  it('observables carry the STIX-defined deterministic ids', () => {
    expect(byType('ipv4-addr').map((o) => o.id)).toEqual([`ipv4-addr--${'39090fdc-366e-571f-ab5b-d05e2918f88f'}`]);
    expect(byType('user-account').map((o) => o.id)).toEqual(['user-account--893eb6fa-ed2f-5c87-80cf-ce17e8063ce1']);
    expect(byType('ipv6-addr')).toHaveLength(1);
    expect(byType('user-account')[0]!['is_privileged']).toBe(true);
    expect(STIX_SCO_NAMESPACE).toBe('00abedb4-aa42-466c-9c01-fed23315a9b7');
  });

  it('one observed-data per step with its observables, related-to the user identity, all in one grouping', () => {
    const observed = byType('observed-data');
    expect(observed.map((o) => o['x_idgraph_detection_id'])).toEqual(['d1', 'd2']);
    expect(observed[0]!['object_refs']).toHaveLength(3); // alice, IPv4, IPv6
    expect(observed[1]!['object_refs']).toEqual([byType('user-account')[0]!.id]); // MFA method and device have no observable type
    const person = byType('identity').find((o) => o['identity_class'] === 'individual')!;
    const rels = byType('relationship');
    expect(rels.map((r) => [r['source_ref'], r['target_ref']])).toEqual(observed.map((o) => [o.id, person.id]));
    const grouping = byType('grouping')[0]!;
    expect(grouping['context']).toBe('suspicious-activity');
    expect(new Set(grouping['object_refs'] as string[]).size).toBe(bundle.objects.length - 2);
  });

  it('every id is well-formed and every reference resolves inside the bundle', () => {
    const ids = new Set(bundle.objects.map((o) => o.id));
    expect(ids.size).toBe(bundle.objects.length);
    for (const o of bundle.objects) {
      expect(o.id).toMatch(new RegExp(`^${o.type}--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`));
      expect(o.spec_version).toBe('2.1');
      const refs = [o['created_by_ref'], o['source_ref'], o['target_ref'], ...((o['object_refs'] as string[] | undefined) ?? [])].filter((r) => r !== undefined);
      for (const r of refs) expect(ids.has(r as string), `${o.id} -> ${String(r)}`).toBe(true);
      if (o['created'] !== undefined) expect(Date.parse(o['modified'] as string)).toBeGreaterThanOrEqual(Date.parse(o['created'] as string));
    }
  });

  it('is stable: the same chain gives the same bundle; another chain id gives other object ids but the same observables', () => {
    expect(JSON.stringify(toStixBundle(structuredClone(CHAIN)))).toBe(JSON.stringify(bundle));
    const other = toStixBundle({ ...CHAIN, id: 'chain-fedcba9876543210' });
    expect(other.id).not.toBe(bundle.id);
    expect(other.objects.find((o) => o.type === 'grouping')!.id).not.toBe(byType('grouping')[0]!.id);
    expect(other.objects.filter((o) => o.type === 'ipv4-addr').map((o) => o.id)).toEqual(byType('ipv4-addr').map((o) => o.id));
  });
});
