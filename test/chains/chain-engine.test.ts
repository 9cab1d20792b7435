import { describe, expect, it } from 'vitest';
import { ChainEngine, chainIdFor, type DetectorInfo } from '../../src/chains/chain-engine.js';
import { scoreSteps } from '../../src/chains/scoring.js';
import type { Detection } from '../../src/detect/detection.js';
import type { NodeRef } from '../../src/graph/facts.js';

const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.parse('2026-10-01T00:00:00Z');

const INFO: Record<string, DetectorInfo> = {
  phish: { name: 'risky sign-in', severity: 'medium', tactics: ['InitialAccess'] },
  mfa: { name: 'mfa from new ip', severity: 'medium', tactics: ['Persistence', 'DefenseEvasion'] },
  role: { name: 'role change', severity: 'high', tactics: ['PrivilegeEscalation'] },
  low: { name: 'noise', severity: 'low', tactics: ['Discovery'] },
};

const user = (k: string): NodeRef => ({ kind: 'User', key: k });
const ip = (k: string): NodeRef => ({ kind: 'IP', key: k });

function det(id: string, detector: string, at: number, entities: NodeRef[]): Detection {
  return { detector, id, row: { id }, time: at, firstTime: at, entities, evidence: [{ clause: 'x', role: 'match', edge: 'SIGNED_IN', eventIds: [`ev-${id}`] }] };
}

function engine(privileged: string[] = []): ChainEngine {
  return new ChainEngine({ detectorInfo: (id) => INFO[id], isPrivileged: (n) => privileged.includes(n.key) });
}

describe('scoring', () => {
  it('adds severity, privilege, new tactics and kill-chain progression per step', () => {
    const shares = scoreSteps([
      { severity: 'medium', tactics: ['InitialAccess'], privileged: false },
      { severity: 'medium', tactics: ['Persistence', 'DefenseEvasion'], privileged: true },
      { severity: 'medium', tactics: ['Persistence'], privileged: false },
      { severity: 'high', tactics: ['InitialAccess'], privileged: false },
    ]);
    expect(shares[0]).toEqual({ severity: 5, privilege: 0, newTactic: 3, progression: 0, total: 8 });
    expect(shares[1]).toEqual({ severity: 5, privilege: 2.5, newTactic: 6, progression: 2, total: 15.5 });
    expect(shares[2]).toEqual({ severity: 5, privilege: 0, newTactic: 0, progression: 0, total: 5 });
    expect(shares[3]).toEqual({ severity: 8, privilege: 0, newTactic: 0, progression: 0, total: 8 });
  });
});

describe('chain linking', () => {
  it('links detections sharing a user within the horizon, in time order, with a stable id', () => {
    const e = engine(['alice@contoso.com']);
    const a = det('a', 'phish', T0, [user('alice@contoso.com'), ip('203.0.113.9')]);
    const b = det('b', 'mfa', T0 + 2 * H, [user('alice@contoso.com'), ip('203.0.113.9')]);
    const c = det('c', 'role', T0 + 3 * DAY, [user('alice@contoso.com')]);
    e.upsert([c, a, b]);
    const chains = e.chains();
    expect(chains).toHaveLength(1);
    const chain = chains[0]!;
    expect(chain.id).toBe(chainIdFor('a'));
    expect(chain.steps.map((s) => s.detectionId)).toEqual(['a', 'b', 'c']);
    expect(chain.tactics).toEqual(['InitialAccess', 'Persistence', 'PrivilegeEscalation', 'DefenseEvasion']);
    expect(chain.privilegedAccounts).toEqual(['alice@contoso.com']);
    expect(chain.score).toBeCloseTo(chain.steps.reduce((s, x) => s + x.score.total, 0));
    expect(chain.firstSeen).toBe(new Date(T0).toISOString());
  });

  it('does not link beyond the horizon, nor through unrelated entities or the empty IP', () => {
    const e = engine();
    e.upsert([
      det('a', 'phish', T0, [user('alice'), ip('')]),
      det('b', 'mfa', T0 + 8 * DAY, [user('alice')]),
      det('c', 'mfa', T0 + H, [user('bob'), ip('')]),
    ]);
    expect(e.chains()).toHaveLength(3);
  });

  it('links through a shared IP (a spray source reaching two users)', () => {
    const e = engine();
    e.upsert([det('a', 'low', T0, [user('alice'), ip('198.51.100.7')]), det('b', 'low', T0 + DAY, [user('bob'), ip('198.51.100.7')])]);
    expect(e.chains()).toHaveLength(1);
  });

  it('merging two chains keeps the older id and records the newer as an alias', () => {
    const e = engine();
    const a = det('a', 'phish', T0, [user('alice')]);
    const b = det('b', 'mfa', T0 + 2 * DAY, [ip('192.0.2.1')]);
    e.upsert([a, b]);
    const before = e.chains().map((c) => c.id).sort();
    expect(before).toEqual([chainIdFor('a'), chainIdFor('b')].sort());
    e.upsert([det('bridge', 'low', T0 + DAY, [user('alice'), ip('192.0.2.1')])]);
    const [merged] = e.chains();
    expect(e.chains()).toHaveLength(1);
    expect(merged!.id).toBe(chainIdFor('a'));
    expect(merged!.aliases).toEqual([chainIdFor('b')]);
    expect(e.chain(chainIdFor('b'))?.id).toBe(merged!.id);
  });

  it('gives the same chains whatever order detections arrive in', () => {
    const ds = [
      det('a', 'phish', T0, [user('alice'), ip('1.1.1.1')]),
      det('b', 'mfa', T0 + H, [ip('1.1.1.1'), user('carol')]),
      det('c', 'role', T0 + 9 * DAY, [user('alice')]),
      det('d', 'low', T0 + 5 * DAY, [user('carol')]),
    ];
    const one = engine();
    one.upsert(ds);
    const two = engine();
    for (const d of [...ds].reverse()) two.upsert([d]);
    const shape = (e: ChainEngine) => e.chains().map((c) => [c.id, c.steps.map((s) => s.detectionId)]);
    expect(shape(two)).toEqual(shape(one));
  });

  it('withdrawal, exclusion and split rebuild chains; triage is kept with who and when', () => {
    const e = engine();
    e.upsert([det('a', 'phish', T0, [user('alice')]), det('b', 'mfa', T0 + H, [user('alice')]), det('c', 'role', T0 + 2 * H, [user('alice')])]);
    const id = e.chains()[0]!.id;
    e.triage(id, { status: 'investigating', note: 'looking', by: 'analyst-1', at: '2026-10-02T00:00:00Z' });
    expect(e.chain(id)!.status).toBe('investigating');
    expect(e.chain(id)!.triage[0]).toMatchObject({ by: 'analyst-1', note: 'looking' });
    e.exclude('b');
    expect(e.chain(id)!.steps.map((s) => s.detectionId)).toEqual(['a', 'c']);
    const splitId = e.split(['c']);
    expect(splitId).toBe(chainIdFor('c'));
    expect(e.chains()).toHaveLength(2);
    e.withdraw(['a']);
    expect(e.chains().map((c) => c.id)).toEqual([chainIdFor('c')]);
  });
});
