/**
 * The SIGNED_IN occurrence shared by the three sign-in tables (SigninLogs,
 * AADNonInteractiveUserSignInLogs, EntraIdSignInEvents): each table module
 * reads its own columns into SignInFields, this builds the facts.
 */
import type { EdgeFact, EventFacts } from '../../graph/facts.js';
import type { EdgeProp } from '../../graph/schema.js';
import type { TableName } from '../table-names.js';
import { appNode, deviceNode, ipNode, ref, sessionNode, uniqueNodes, userNode } from './node-facts.js';

/** The values of a sign-in, one per SIGNED_IN occurrence prop (text as logged, null when empty). */
export type SignInFields = Record<Exclude<EdgeProp<'SIGNED_IN'>, 'table'>, string | null> & {
  readonly userDisplayName: string | null;
  readonly deviceName: string | null;
};

/** Facts of one sign-in: User -SIGNED_IN-> IP (IP "" when not logged), plus its App, Session and Device nodes. */
export function signInFacts(table: TableName, f: SignInFields, eventId: string, time: number): EventFacts {
  const user = userNode(f.upn, f.userId, f.userDisplayName);
  const ip = ipNode(f.ip);
  const nodes = uniqueNodes([user, ip, appNode(f.app, f.appId), sessionNode(f.sessionId), deviceNode(f.deviceId, f.deviceName)]);
  const edges: EdgeFact[] = [];
  if (user) {
    const { userDisplayName: _n, deviceName: _d, ...props } = f;
    edges.push({ kind: 'SIGNED_IN', from: ref(user), to: ref(ip), time, eventId, props: { table, ...props } });
  }
  return { eventId, table, time, nodes, edges };
}
