/**
 * AuditLogs (Entra ID directory audit). InitiatedBy and TargetResources are
 * dynamic: objects, or JSON text in exports. Three kinds of operation become
 * edges; every other record is stored with no edges:
 * - security info (Category UserManagement, OperationName containing
 *   "security info"): SECURITY_INFO from the target user
 *   (TargetResources[0]; the initiator when no target is logged) to the
 *   MfaMethod "<user key>|<lower(TargetResources[0].displayName)>";
 * - role management (Category RoleManagement): ROLE_ASSIGNED target user ->
 *   Role, when both are logged, and INITIATED_ROLE_CHANGE initiator (user,
 *   else app) -> target user, else -> Role;
 * - "Add registered owner to device": DEVICE_OWNER owner user -> Device.
 * Event id: `AuditLogs:<Id>` (Id is unique per audit event), else a content hash.
 */
import { z } from 'zod';
import type { EdgeFact, NodeFact } from '../../graph/facts.js';
import { anyObject, at, dynamicArray, dynamicObject, firstOf, looseText, text, timestamp } from './columns.js';
import { columnEventId, hashEventId } from './event-id.js';
import { appNode, deviceNode, ipNode, mfaMethodNode, ref, roleNode, uniqueNodes, userNode } from './node-facts.js';
import { normalizeColumns } from './normalize-columns.js';
import type { TableSpec } from './table-spec.js';

const initiator = z.looseObject({
  user: z.looseObject({ id: text, userPrincipalName: text, ipAddress: text, displayName: text }).nullish(),
  app: z.looseObject({ displayName: text, appId: text, servicePrincipalId: text, ipAddress: text }).nullish(),
});

const target = z.looseObject({
  id: text,
  displayName: text,
  userPrincipalName: text,
  type: text,
  modifiedProperties: z.array(anyObject).nullish(),
});

const schema = z.preprocess(
  normalizeColumns,
  z.object({
    TimeGenerated: timestamp,
    ActivityDateTime: timestamp,
    Id: text,
    OperationName: text,
    Category: text,
    Result: text,
    ResultReason: text,
    CorrelationId: text,
    InitiatedBy: dynamicObject(initiator),
    TargetResources: dynamicArray(target),
  }),
);

type AuditRecord = z.output<typeof schema>;
type Target = z.output<typeof target>;

const DEVICE_OWNER_OPERATION = 'add registered owner to device';

/** AuditLogs. */
export const AuditLogs: TableSpec<AuditRecord> = {
  name: 'AuditLogs',
  schema,
  timeColumns: ['TimeGenerated', 'ActivityDateTime'],
  time: (r) => firstOf(r.TimeGenerated, r.ActivityDateTime) ?? undefined,
  eventId: (r, raw) => (r.Id ? columnEventId('AuditLogs', r.Id) : hashEventId('AuditLogs', raw)),
  toFacts: (r, eventId, time) => {
    const nodes: (NodeFact | undefined)[] = [];
    const edges: EdgeFact[] = [];
    const op = (r.OperationName ?? '').trim();
    const opLower = op.toLowerCase();
    const category = (r.Category ?? '').toLowerCase();
    const initUser = r.InitiatedBy?.user ?? null;
    const initApp = r.InitiatedBy?.app ?? null;
    const initiatorUser = userNode(initUser?.userPrincipalName ?? null, initUser?.id ?? null, initUser?.displayName ?? null);
    const initiatorApp = appNode(initApp?.displayName ?? null, initApp?.appId ?? null);
    nodes.push(initiatorUser);
    const targets = r.TargetResources ?? [];

    if (category === 'usermanagement' && opLower.includes('security info')) {
      const t0 = targets[0];
      const who = userNode(t0?.userPrincipalName ?? null, t0?.id ?? null) ?? initiatorUser;
      if (who) {
        const method = mfaMethodNode(who, t0?.displayName ?? null);
        const regIp = initUser?.ipAddress ?? null;
        nodes.push(who, method, regIp ? ipNode(regIp) : undefined);
        edges.push({
          kind: 'SECURITY_INFO',
          from: ref(who),
          to: ref(method),
          time,
          eventId,
          props: {
            operationName: r.OperationName,
            category: r.Category,
            result: r.Result,
            resultReason: r.ResultReason,
            initiatorId: initUser?.id ?? null,
            initiatorUpn: initUser?.userPrincipalName ?? null,
            initiatorApp: initApp?.displayName ?? null,
            ip: regIp,
            targetUpn: t0?.userPrincipalName ?? null,
            targetId: t0?.id ?? null,
            methodType: t0?.displayName ?? null,
            correlationId: r.CorrelationId,
          },
        });
      }
    } else if (category === 'rolemanagement') {
      const targetUser = targets.find(isUserTarget);
      const userFact = targetUser ? userNode(targetUser.userPrincipalName, targetUser.id, targetUser.displayName) : undefined;
      const roleName = roleNameOf(targets);
      const role = roleNode(roleName);
      const actor = initiatorUser ?? initiatorApp;
      const ip = firstOf(initUser?.ipAddress, initApp?.ipAddress);
      const props = {
        operationName: r.OperationName,
        category: r.Category,
        result: r.Result,
        roleName,
        initiator: firstOf(initUser?.userPrincipalName, initApp?.displayName)?.toLowerCase() ?? null,
        ip,
        targetUpn: targetUser?.userPrincipalName ?? null,
        correlationId: r.CorrelationId,
      };
      nodes.push(userFact, role, initiatorApp, ip ? ipNode(ip) : undefined);
      if (userFact && role) edges.push({ kind: 'ROLE_ASSIGNED', from: ref(userFact), to: ref(role), time, eventId, props });
      const towards = userFact ?? role;
      if (actor && towards) edges.push({ kind: 'INITIATED_ROLE_CHANGE', from: ref(actor), to: ref(towards), time, eventId, props });
    } else if (opLower.replace(/\.$/, '') === DEVICE_OWNER_OPERATION) {
      const device = targets.find((t) => t.type?.toLowerCase() === 'device') ?? targets[0];
      const owner = targets.find((t) => t !== device && isUserTarget(t));
      const ownerFact = owner ? userNode(owner.userPrincipalName, owner.id, owner.displayName) : undefined;
      const deviceFact = device ? deviceNode(device.id, device.displayName) : undefined;
      const ip = initUser?.ipAddress ?? null;
      nodes.push(ownerFact, deviceFact, initiatorApp, ip ? ipNode(ip) : undefined);
      if (ownerFact && deviceFact) {
        edges.push({
          kind: 'DEVICE_OWNER',
          from: ref(ownerFact),
          to: ref(deviceFact),
          time,
          eventId,
          props: {
            table: 'AuditLogs',
            actionType: r.OperationName,
            accountDisplayName: firstOf(initApp?.displayName, initUser?.displayName, initUser?.userPrincipalName),
            reportId: r.Id,
            accountUpn: owner?.userPrincipalName ?? null,
            accountObjectId: owner?.id ?? null,
            deviceObjectId: device?.id ?? null,
            deviceDisplayName: device?.displayName ?? null,
            ip,
          },
        });
      }
    }
    return { eventId, table: 'AuditLogs', time, nodes: uniqueNodes(nodes), edges };
  },
};

function isUserTarget(t: Target): boolean {
  return t.type?.toLowerCase() === 'user' || (t.type === null && t.userPrincipalName !== null);
}

/**
 * The role of a RoleManagement event: the "Role.DisplayName" modified
 * property (logged as JSON text, quotes included), else a target of type Role.
 */
function roleNameOf(targets: readonly Target[]): string | null {
  for (const t of targets) {
    for (const p of t.modifiedProperties ?? []) {
      if (looseText(at(p, 'displayName')) !== 'Role.DisplayName') continue;
      const v = looseText(at(p, 'newValue'));
      if (v) return unquote(v);
    }
  }
  const roleTarget = targets.find((t) => t.type?.toLowerCase() === 'role');
  return roleTarget?.displayName ?? null;
}

function unquote(v: string): string | null {
  const s = v.trim();
  if (s.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(s);
      if (typeof parsed === 'string') return parsed || null;
    } catch {
      // not JSON text: keep as logged
    }
  }
  return s || null;
}
