/**
 * The nodes a record names, keyed the one way src/graph/node-keys.ts says:
 * users by lower-cased UPN (object id as alias), or by object id when no UPN
 * is logged; IPs canonical ("" is the unknown address); devices by object id,
 * else display name; apps by display name; sessions as logged.
 */
import type { NodeFact, NodeRef } from '../../graph/facts.js';
import { canonicalKey } from '../../graph/node-keys.js';
import type { Scalar } from '../../graph/schema.js';

type Props = Record<string, Scalar>;

function props(entries: Record<string, string | null | undefined>): Props | undefined {
  const out: Props = {};
  let any = false;
  for (const [k, v] of Object.entries(entries)) {
    if (v !== null && v !== undefined && v !== '') {
      out[k] = v;
      any = true;
    }
  }
  return any ? out : undefined;
}

function node(kind: NodeFact['kind'], key: string, p?: Props, aliases?: string[]): NodeFact {
  return { kind, key, ...(p ? { props: p } : {}), ...(aliases && aliases.length > 0 ? { aliases } : {}) };
}

/** A user named by UPN and/or object id; undefined when neither is logged. */
export function userNode(upn: string | null, objectId: string | null, displayName?: string | null): NodeFact | undefined {
  const u = upn?.trim() || null;
  const id = objectId?.trim() || null;
  if (!u && !id) return undefined;
  const key = canonicalKey('User', (u ?? id)!);
  const alias = u && id ? canonicalKey('User', id) : undefined;
  return node('User', key, props({ upn: u, objectId: id, displayName }), alias && alias !== key ? [alias] : undefined);
}

/** An IP node; empty or missing is the unknown address "". */
export function ipNode(raw: string | null): NodeFact {
  return node('IP', canonicalKey('IP', raw ?? ''));
}

/** An app named by display name; undefined when it has none. */
export function appNode(displayName: string | null, appId?: string | null): NodeFact | undefined {
  if (!displayName?.trim()) return undefined;
  return node('App', canonicalKey('App', displayName), props({ displayName, appId }));
}

/** A device by object id, else display name; undefined when neither is logged. */
export function deviceNode(deviceId: string | null, displayName: string | null): NodeFact | undefined {
  const id = deviceId?.trim() || null;
  const name = displayName?.trim() || null;
  if (!id && !name) return undefined;
  return node('Device', canonicalKey('Device', (id ?? name)!), props({ deviceId: id, displayName: name }));
}

/** A sign-in session; undefined when the id is empty. */
export function sessionNode(sessionId: string | null): NodeFact | undefined {
  if (!sessionId?.trim()) return undefined;
  return node('Session', canonicalKey('Session', sessionId));
}

/** A directory role by name; undefined when empty. */
export function roleNode(name: string | null): NodeFact | undefined {
  if (!name?.trim()) return undefined;
  return node('Role', canonicalKey('Role', name), props({ name }));
}

/** A user's MFA method: key "<user key>|<lower-cased method>". */
export function mfaMethodNode(user: NodeFact, method: string | null): NodeFact {
  const m = (method ?? '').trim().toLowerCase();
  return node('MfaMethod', `${user.key}|${m}`, props({ method, user: user.key }));
}

/** A security alert by its id. */
export function alertNode(key: string, p: Record<string, string | null>): NodeFact {
  return node('Alert', canonicalKey('Alert', key), props(p));
}

/** The reference part of a node fact. */
export function ref(n: NodeFact): NodeRef {
  return { kind: n.kind, key: n.key };
}

/** Node facts without duplicates (same kind and key: the first wins), undefined dropped. */
export function uniqueNodes(nodes: readonly (NodeFact | undefined)[]): NodeFact[] {
  const seen = new Set<string>();
  const out: NodeFact[] = [];
  for (const n of nodes) {
    if (!n) continue;
    const id = `${n.kind}\u0000${n.key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(n);
  }
  return out;
}
