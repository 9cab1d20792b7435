/**
 * CloudAppEvents (Defender for Cloud Apps, via Defender XDR or Sentinel).
 * "Add registered owner to device." becomes DEVICE_OWNER from the owner
 * (RawEventData.ObjectId = UPN, Target[1].ID = object id) to the device
 * (ModifiedProperties[0].NewValue = object id, [1].NewValue = display name);
 * every other action is stored with no edges. RawEventData may be JSON
 * text; ReportId may arrive split as ReportId_long / ReportId_string.
 * Event id: `CloudAppEvents:<ReportId>:<time ms>`, else a content hash.
 */
import { z } from 'zod';
import type { EdgeFact, NodeFact } from '../../graph/facts.js';
import { anyObject, at, dynamicObject, firstOf, looseText, text, timestamp } from './columns.js';
import { columnEventId, hashEventId } from './event-id.js';
import { deviceNode, ipNode, ref, uniqueNodes, userNode } from './node-facts.js';
import { normalizeColumns } from './normalize-columns.js';
import type { TableSpec } from './table-spec.js';

const schema = z.preprocess(
  normalizeColumns,
  z.object({
    Timestamp: timestamp,
    TimeGenerated: timestamp,
    ReportId: text,
    ActionType: text,
    AccountDisplayName: text,
    AccountObjectId: text,
    IPAddress: text,
    RawEventData: dynamicObject(anyObject),
  }),
);

const DEVICE_OWNER_ACTION = 'add registered owner to device';

/** CloudAppEvents. */
export const CloudAppEvents: TableSpec<z.output<typeof schema>> = {
  name: 'CloudAppEvents',
  schema,
  timeColumns: ['Timestamp', 'TimeGenerated'],
  time: (r) => firstOf(r.Timestamp, r.TimeGenerated) ?? undefined,
  eventId: (r, raw, time) => (r.ReportId ? columnEventId('CloudAppEvents', r.ReportId, time) : hashEventId('CloudAppEvents', raw)),
  toFacts: (r, eventId, time) => {
    const nodes: (NodeFact | undefined)[] = [];
    const edges: EdgeFact[] = [];
    const action = (r.ActionType ?? '').trim().toLowerCase().replace(/\.$/, '');
    if (action === DEVICE_OWNER_ACTION) {
      const raw = r.RawEventData;
      const accountUpn = looseText(at(raw, 'ObjectId'));
      const accountObjectId = looseText(at(raw, 'Target', 1, 'ID'));
      const deviceObjectId = looseText(at(raw, 'ModifiedProperties', 0, 'NewValue'));
      const deviceDisplayName = looseText(at(raw, 'ModifiedProperties', 1, 'NewValue'));
      const owner = userNode(accountUpn, accountObjectId);
      const device = deviceNode(deviceObjectId, deviceDisplayName);
      nodes.push(owner, device, r.IPAddress ? ipNode(r.IPAddress) : undefined);
      if (owner && device) {
        edges.push({
          kind: 'DEVICE_OWNER',
          from: ref(owner),
          to: ref(device),
          time,
          eventId,
          props: {
            table: 'CloudAppEvents',
            actionType: r.ActionType,
            accountDisplayName: r.AccountDisplayName,
            reportId: r.ReportId,
            accountUpn,
            accountObjectId,
            deviceObjectId,
            deviceDisplayName,
            ip: r.IPAddress,
          },
        });
      }
    }
    return { eventId, table: 'CloudAppEvents', time, nodes: uniqueNodes(nodes), edges };
  },
};
