/** Builders of EventFacts for graph tests, and a canonical dump to compare graphs by. */
import type { EdgeFact, EventFacts, NodeFact } from '../../src/graph/facts.js';
import { occurrenceProps } from '../../src/graph/entity-view.js';
import { EDGE_KIND_NAMES, NODE_KIND_NAMES, type Scalar } from '../../src/graph/schema.js';
import type { TemporalGraph } from '../../src/graph/temporal-graph.js';

/** A sign-in event: user (by key, optional aliases and props) from an IP. */
export function signIn(
  eventId: string,
  time: number,
  user: string,
  ip: string,
  opts: { aliases?: string[]; userProps?: Record<string, Scalar>; props?: Record<string, Scalar> } = {},
): EventFacts {
  const u: NodeFact = { kind: 'User', key: user, props: opts.userProps ?? {}, aliases: opts.aliases ?? [] };
  const edge: EdgeFact = {
    kind: 'SIGNED_IN',
    from: { kind: 'User', key: user },
    to: { kind: 'IP', key: ip },
    time,
    eventId,
    props: { table: 'SigninLogs', ip, resultType: '0', ...opts.props },
  };
  return { eventId, table: 'SigninLogs', time, nodes: [u, { kind: 'IP', key: ip }], edges: [edge] };
}

/** A security-info change on a user's MFA method. */
export function mfaChange(eventId: string, time: number, user: string, method: string, ip: string): EventFacts {
  const key = `${user}|${method}`;
  return {
    eventId,
    table: 'AuditLogs',
    time,
    nodes: [
      { kind: 'User', key: user },
      { kind: 'MfaMethod', key, props: { method, user } },
    ],
    edges: [
      {
        kind: 'SECURITY_INFO',
        from: { kind: 'User', key: user },
        to: { kind: 'MfaMethod', key },
        time,
        eventId,
        props: { operationName: 'User registered security info', ip, methodType: method },
      },
    ],
  };
}

/** A role assignment by an actor to a target user. */
export function roleAssigned(eventId: string, time: number, actor: string, target: string, role: string): EventFacts {
  return {
    eventId,
    table: 'AuditLogs',
    time,
    nodes: [
      { kind: 'User', key: actor },
      { kind: 'User', key: target },
      { kind: 'Role', key: role, props: { name: role } },
    ],
    edges: [
      { kind: 'ROLE_ASSIGNED', from: { kind: 'User', key: target }, to: { kind: 'Role', key: role }, time, eventId, props: { roleName: role } },
      {
        kind: 'INITIATED_ROLE_CHANGE',
        from: { kind: 'User', key: actor },
        to: { kind: 'User', key: target },
        time,
        eventId,
        props: { roleName: role, initiator: actor },
      },
    ],
  };
}

/** Everything observable about a graph, in a canonical order, for equality checks. */
export function dumpGraph(g: TemporalGraph): unknown {
  const nodes = NODE_KIND_NAMES.flatMap((kind) =>
    [...g.nodesOfKind(kind)]
      .map((r) => ({ ref: `${r.kind}:${r.key}`, props: g.nodeProps(r), aliases: [...g.nodeAliases(r)].sort() }))
      .sort((a, b) => (a.ref < b.ref ? -1 : 1)),
  );
  const edges = EDGE_KIND_NAMES.flatMap((kind) =>
    [...g.edgesOfKind(kind)]
      .map((e) => ({
        id: `${kind} ${e.from.kind}:${e.from.key} -> ${e.to.kind}:${e.to.key}`,
        occ: Array.from({ length: e.size }, (_, i) => ({ t: e.time(i), id: e.eventId(i), props: occurrenceProps(e, i) })),
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
  );
  return { nodes, edges, stats: g.stats() };
}
