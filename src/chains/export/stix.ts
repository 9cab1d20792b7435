/**
 * A chain as a STIX 2.1 bundle, for threat-intelligence platforms and SIEMs:
 *  - identity: idgraph itself (the producer, `created_by_ref` of every SDO)
 *    and one individual per user account of the chain;
 *  - cyber observables: user-account per user, ipv4-addr / ipv6-addr per IP;
 *  - observed-data per step (the entities it involves, its time span), with a
 *    `related-to` relationship to each user's identity;
 *  - a grouping (context suspicious-activity) holding the whole chain.
 * Ids are deterministic, so re-exporting the same chain gives the same bundle:
 * observables use STIX's own UUIDv5 rule (namespace and ID-contributing
 * properties of the spec), every other object a UUIDv5 of the chain id and
 * the object's role in it. Timestamps come from the chain, not the clock.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { stableJson } from '../../detect/detection.js';
import type { Chain, ChainStep } from '../chain-schema.js';

/** Namespace STIX 2.1 fixes for deterministic cyber-observable ids. */
export const STIX_SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';

/** RFC 9562 UUID version 5 (SHA-1 of namespace bytes + name). */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`not a UUID: ${namespace}`);
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export type StixObject = { readonly type: string; readonly id: string; readonly spec_version: '2.1' } & Record<string, unknown>;

export interface StixBundle {
  readonly type: 'bundle';
  readonly id: string;
  readonly objects: StixObject[];
}

/** RFC 9562's URL namespace. */
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';
/** idgraph's namespace for the ids of the objects it derives from a chain (UUIDv5 of its URL). */
export const IDGRAPH_STIX_NAMESPACE = uuidV5('https://idgraph.dev/stix', URL_NAMESPACE);

const PRODUCER_ID = `identity--${uuidV5('idgraph', IDGRAPH_STIX_NAMESPACE)}`;

/** A cyber observable with its STIX-defined deterministic id. */
function sco(type: string, idProps: Record<string, string>, extra: Record<string, unknown> = {}): StixObject {
  return { type, spec_version: '2.1', id: `${type}--${uuidV5(stableJson(idProps), STIX_SCO_NAMESPACE)}`, ...idProps, ...extra };
}

/** Converts a chain into a STIX 2.1 bundle. Same chain, same bundle. */
export function toStixBundle(chain: Chain): StixBundle {
  const sdoId = (type: string, local: string): string => `${type}--${uuidV5(`${chain.id}/${type}/${local}`, IDGRAPH_STIX_NAMESPACE)}`;
  const common = { spec_version: '2.1' as const, created: chain.firstSeen, modified: chain.lastSeen, created_by_ref: PRODUCER_ID };
  const objects: StixObject[] = [
    { type: 'identity', spec_version: '2.1', id: PRODUCER_ID, created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', name: 'idgraph', identity_class: 'system' },
  ];
  const privileged = new Set(chain.privilegedAccounts);
  const observableOf = new Map<string, string>();
  const identityOf = new Map<string, string>();
  for (const e of chain.entities) {
    const key = `${e.kind}:${e.key}`;
    if (e.kind === 'User') {
      const account = sco('user-account', e.key.includes('@') ? { user_id: e.key, account_login: e.key } : { user_id: e.key }, { is_privileged: privileged.has(e.key) });
      const person = { type: 'identity', id: sdoId('identity', key), ...common, name: e.key, identity_class: 'individual' };
      objects.push(account, person);
      observableOf.set(key, account.id);
      identityOf.set(key, person.id);
    } else if (e.kind === 'IP' && e.key !== '') {
      const v = isIP(e.key);
      if (v === 0) continue;
      const addr = sco(v === 4 ? 'ipv4-addr' : 'ipv6-addr', { value: e.key });
      objects.push(addr);
      observableOf.set(key, addr.id);
    }
  }
  for (const s of chain.steps) {
    const refs = refsOf(s, observableOf);
    if (refs.length === 0) continue; // observed-data needs at least one observable
    const id = sdoId('observed-data', s.detectionId);
    objects.push({
      type: 'observed-data',
      id,
      ...common,
      first_observed: s.firstTime,
      last_observed: s.time,
      number_observed: 1,
      object_refs: refs,
      labels: [...s.tactics.map((t) => `tactic:${t}`), `severity:${s.severity}`],
      x_idgraph_detector: s.detector,
      x_idgraph_detection_id: s.detectionId,
      x_idgraph_name: s.name,
      x_idgraph_score: s.score.total,
      x_idgraph_event_ids: s.evidence.flatMap((e) => e.eventIds),
    });
    for (const ent of s.entities) {
      const who = identityOf.get(`${ent.kind}:${ent.key}`);
      if (!who) continue;
      objects.push({
        type: 'relationship',
        id: sdoId('relationship', `${s.detectionId}->${ent.kind}:${ent.key}`),
        ...common,
        relationship_type: 'related-to',
        source_ref: id,
        target_ref: who,
      });
    }
  }
  objects.push({
    type: 'grouping',
    id: sdoId('grouping', 'chain'),
    ...common,
    name: `idgraph attack chain ${chain.id}`,
    description: `${chain.steps.length} step(s), score ${chain.score}, tactics ${chain.tactics.join(' > ') || '-'}, status ${chain.status}`,
    context: 'suspicious-activity',
    object_refs: objects.filter((o) => o.id !== PRODUCER_ID).map((o) => o.id),
    x_idgraph_chain_id: chain.id,
    x_idgraph_score: chain.score,
    x_idgraph_status: chain.status,
    x_idgraph_tactics: [...chain.tactics],
  });
  return { type: 'bundle', id: `bundle--${uuidV5(`${chain.id}/bundle`, IDGRAPH_STIX_NAMESPACE)}`, objects };
}

function refsOf(s: ChainStep, observableOf: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const e of s.entities) {
    const id = observableOf.get(`${e.kind}:${e.key}`);
    if (id && !out.includes(id)) out.push(id);
  }
  return out;
}
