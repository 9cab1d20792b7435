/**
 * SecurityAlert. Entities is a JSON array (usually logged as a string); its
 * top-level entities of type account, ip and host each get an ALERTED edge
 * from the Alert node (key SystemAlertId). Entities nested inside others and
 * `$ref` stubs (back-references to an entity listed elsewhere) are not
 * entities of the alert. Accounts are keyed lower(Name@UPNSuffix), else
 * lower(Name) (hunt 4 joins on exactly that), else by AadUserId, the only
 * name Identity Protection alerts give. Hosts are keyed by AadDeviceId,
 * else host name.
 * Event id: `SecurityAlert:<SystemAlertId>:<time ms>` (an alert is logged
 * again on each status change, each a distinct event), else a content hash.
 */
import { z } from 'zod';
import type { EdgeFact, NodeFact } from '../../graph/facts.js';
import { canonicalKey } from '../../graph/node-keys.js';
import { dynamicArray, firstOf, looseText, text, timestamp } from './columns.js';
import { columnEventId, hashEventId } from './event-id.js';
import { alertNode, deviceNode, ipNode, ref, uniqueNodes, userNode } from './node-facts.js';
import { normalizeColumns } from './normalize-columns.js';
import type { TableSpec } from './table-spec.js';

const schema = z.preprocess(
  normalizeColumns,
  z.object({
    TimeGenerated: timestamp,
    SystemAlertId: text,
    AlertName: text,
    AlertSeverity: text,
    ProviderName: text,
    CompromisedEntity: text,
    Entities: dynamicArray(z.unknown()),
  }),
);

/** SecurityAlert. */
export const SecurityAlert: TableSpec<z.output<typeof schema>> = {
  name: 'SecurityAlert',
  schema,
  timeColumns: ['TimeGenerated'],
  time: (r) => r.TimeGenerated ?? undefined,
  eventId: (r, raw, time) => (r.SystemAlertId ? columnEventId('SecurityAlert', r.SystemAlertId, time) : hashEventId('SecurityAlert', raw)),
  toFacts: (r, eventId, time) => {
    const alert = alertNode(firstOf(r.SystemAlertId, eventId)!, { alertName: r.AlertName, severity: r.AlertSeverity, provider: r.ProviderName });
    const nodes: (NodeFact | undefined)[] = [alert];
    const edges: EdgeFact[] = [];
    const seen = new Set<string>();
    for (const e of r.Entities ?? []) {
      if (typeof e !== 'object' || e === null || Array.isArray(e)) continue;
      const ent = e as Record<string, unknown>;
      if (Object.hasOwn(ent, '$ref')) continue;
      const type = looseText(ent['Type']);
      let target: NodeFact | undefined;
      let account: string | null = null;
      switch (type?.toLowerCase()) {
        case 'account': {
          const name = looseText(ent['Name']);
          const suffix = looseText(ent['UPNSuffix']);
          account = name ? canonicalKey('User', suffix ? `${name}@${suffix}` : name) : null;
          target = account ? userNode(account, null, looseText(ent['DisplayName'])) : userNode(null, looseText(ent['AadUserId']));
          break;
        }
        case 'ip':
          target = looseText(ent['Address']) ? ipNode(looseText(ent['Address'])) : undefined;
          break;
        case 'host':
          target = deviceNode(looseText(ent['AadDeviceId']), firstOf(looseText(ent['HostName']), looseText(ent['FQDN']), looseText(ent['NetBiosName'])));
          break;
        default:
          target = undefined;
      }
      if (!target) continue;
      const id = `${target.kind}\u0000${target.key}`;
      if (seen.has(id)) continue;
      seen.add(id);
      nodes.push(target);
      edges.push({
        kind: 'ALERTED',
        from: ref(alert),
        to: ref(target),
        time,
        eventId,
        props: {
          alertName: r.AlertName,
          severity: r.AlertSeverity,
          provider: r.ProviderName,
          entityType: type,
          account,
          compromisedEntity: r.CompromisedEntity,
          systemAlertId: r.SystemAlertId,
        },
      });
    }
    return { eventId, table: 'SecurityAlert', time, nodes: uniqueNodes(nodes), edges };
  },
};
