/** Small builders of EventFacts for evaluator tests (the shapes table mappings produce). */
import type { EdgeFact, EventFacts, NodeRef } from '../../src/graph/facts.js';
import type { EdgeKind, Scalar } from '../../src/graph/schema.js';
import { canonicalIp } from '../../src/graph/node-keys.js';

let seq = 0;
export const at = (iso: string): number => Date.parse(iso);
export const user = (upn: string): NodeRef => ({ kind: 'User', key: upn.toLowerCase() });
export const ip = (a: string): NodeRef => ({ kind: 'IP', key: canonicalIp(a) });

/** One event contributing one edge occurrence. */
export function edgeEvent(kind: EdgeKind, from: NodeRef, to: NodeRef, time: string, props: Record<string, Scalar>, table = 'T'): EventFacts {
  const eventId = `ev${++seq}`;
  const edge: EdgeFact = { kind, from, to, time: at(time), eventId, props };
  return { eventId, table, time: at(time), nodes: [{ ...from }, { ...to }], edges: [edge] };
}

export function signIn(upn: string, addr: string, time: string, props: Record<string, Scalar> = {}): EventFacts {
  return edgeEvent('SIGNED_IN', user(upn), ip(addr), time, { table: 'SigninLogs', upn, ip: addr, resultType: '0', ...props });
}

export function mfaRegistration(upn: string, addr: string, time: string, props: Record<string, Scalar> = {}): EventFacts {
  return edgeEvent('SECURITY_INFO', user(upn), { kind: 'MfaMethod', key: `${upn.toLowerCase()}|authenticator app` }, time, {
    operationName: 'User registered security info',
    category: 'UserManagement',
    result: 'success',
    ip: addr,
    targetUpn: upn,
    targetId: 'oid-1',
    methodType: 'Authenticator App',
    correlationId: 'corr-1',
    initiatorUpn: upn,
    initiatorId: 'oid-1',
    ...props,
  });
}
