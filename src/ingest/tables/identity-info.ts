/**
 * IdentityInfo (Sentinel UEBA, or Defender XDR). One HAS_ROLE per element of
 * AssignedRoles (an array, or its JSON text) from the account (AccountUPN in
 * Sentinel, AccountUpn in Defender; object id as alias) to the Role.
 * A snapshot row has no id of its own: the event id is a content hash.
 */
import { z } from 'zod';
import type { EdgeFact } from '../../graph/facts.js';
import { dynamicArray, firstOf, looseText, text, timestamp } from './columns.js';
import { hashEventId } from './event-id.js';
import { ref, roleNode, uniqueNodes, userNode } from './node-facts.js';
import { normalizeColumns } from './normalize-columns.js';
import type { TableSpec } from './table-spec.js';

const schema = z.preprocess(
  normalizeColumns,
  z.object({
    TimeGenerated: timestamp,
    Timestamp: timestamp,
    AccountUPN: text,
    AccountUpn: text,
    AccountObjectId: text,
    AccountDisplayName: text,
    AssignedRoles: dynamicArray(z.unknown()),
  }),
);

/** IdentityInfo. */
export const IdentityInfo: TableSpec<z.output<typeof schema>> = {
  name: 'IdentityInfo',
  schema,
  timeColumns: ['TimeGenerated', 'Timestamp'],
  time: (r) => firstOf(r.TimeGenerated, r.Timestamp) ?? undefined,
  eventId: (_r, raw) => hashEventId('IdentityInfo', raw),
  toFacts: (r, eventId, time) => {
    const accountUpn = firstOf(r.AccountUPN, r.AccountUpn);
    const user = userNode(accountUpn, r.AccountObjectId, r.AccountDisplayName);
    const edges: EdgeFact[] = [];
    const roles = [];
    if (user) {
      for (const el of r.AssignedRoles ?? []) {
        const name = looseText(el);
        const role = roleNode(name);
        if (!role) continue;
        roles.push(role);
        edges.push({ kind: 'HAS_ROLE', from: ref(user), to: ref(role), time, eventId, props: { role: name, accountUpn } });
      }
    }
    return { eventId, table: 'IdentityInfo', time, nodes: uniqueNodes([user, ...roles]), edges };
  },
};
