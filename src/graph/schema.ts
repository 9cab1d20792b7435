/**
 * The graph schema, defined once: node kinds, edge kinds, their endpoints and
 * occurrence properties. Everything else (zod enums, the detector validator,
 * Neo4j constraints, docs/graph-model.md) derives from these tables.
 *
 * Owns: vocabulary only. Imports nothing from the rest of idgraph.
 */
import { z } from 'zod';

/** Scalar value an occurrence or node property may hold. */
export type Scalar = string | number | boolean | null;

export const NODE_KINDS = {
  User: {
    description: 'An Entra ID account. Key: lower-cased UPN, or the object id while no UPN is known.',
    props: { upn: 'string', objectId: 'string', displayName: 'string' },
  },
  IP: {
    description: 'An IP address in canonical form (IPv4 dotted, IPv6 compressed lower case). Key "" is the unknown address.',
    props: {},
  },
  Device: {
    description: 'A device object. Key: lower-cased device object id, else lower-cased display name.',
    props: { deviceId: 'string', displayName: 'string' },
  },
  MfaMethod: {
    description: 'A security-info (MFA) method of one user. Key: "<user key>|<lower-cased method>".',
    props: { method: 'string', user: 'string' },
  },
  Role: {
    description: 'A directory role. Key: lower-cased role name.',
    props: { name: 'string' },
  },
  App: {
    description: 'An application or service principal. Key: lower-cased display name.',
    props: { appId: 'string', displayName: 'string' },
  },
  Session: {
    description: 'A sign-in session. Key: the session id as logged.',
    props: {},
  },
  Alert: {
    description: 'A security alert. Key: SystemAlertId (else the raw event id).',
    props: { alertName: 'string', severity: 'string', provider: 'string' },
  },
} as const;

export type NodeKind = keyof typeof NODE_KINDS;
export const NODE_KIND_NAMES = Object.keys(NODE_KINDS) as NodeKind[];
export const NodeKindSchema = z.enum(NODE_KIND_NAMES as [NodeKind, ...NodeKind[]]);

/** The node kind a name means, in any case (`user`, `ip`, `MFAMETHOD`), or undefined. */
export function parseNodeKind(name: string): NodeKind | undefined {
  const lower = name.toLowerCase();
  return NODE_KIND_NAMES.find((k) => k.toLowerCase() === lower);
}

/** A node kind as a client may type it (any case), validated to the canonical name. */
export const NodeKindName = z
  .string()
  .transform((v, ctx) => {
    const kind = parseNodeKind(v);
    if (kind === undefined) ctx.addIssue({ code: 'custom', message: `expected one of ${NODE_KIND_NAMES.join(', ')} (any case)` });
    return kind ?? z.NEVER;
  })
  .meta({ description: `node kind, any case: ${NODE_KIND_NAMES.join(', ')}` });

/** Type of one occurrence property. `ref` names a node kind the value is a key of. */
export interface PropSpec {
  readonly type: 'string' | 'number' | 'boolean';
  readonly ref?: NodeKind;
  readonly doc: string;
}

const s = (doc: string, ref?: NodeKind): PropSpec => (ref ? { type: 'string', ref, doc } : { type: 'string', doc });
const n = (doc: string): PropSpec => ({ type: 'number', doc });

/**
 * Edge kinds. Each edge is one (kind, from, to) triple and keeps every
 * occurrence of it in time order; occurrence properties are what detectors
 * filter and project. `sources` documents where occurrences come from.
 */
export const EDGE_KINDS = {
  SIGNED_IN: {
    from: ['User'],
    to: ['IP'],
    description: 'A sign-in attempt (success or failure) by a user from an IP.',
    sources: ['SigninLogs', 'AADNonInteractiveUserSignInLogs', 'EntraIdSignInEvents'],
    props: {
      table: s('Table the event came from (SigninLogs, AADNonInteractiveUserSignInLogs, EntraIdSignInEvents).'),
      upn: s('UserPrincipalName (AccountUpn in Defender) as logged.'),
      userId: s('UserId (AccountObjectId in Defender) as logged.'),
      ip: s('IPAddress as logged (not canonicalised).'),
      app: s('AppDisplayName (Application in Defender) as logged.', 'App'),
      appId: s('AppId (ApplicationId in Defender).'),
      resultType: s('ResultType (ErrorCode in Defender) as text; compared by value.'),
      resultDescription: s('ResultDescription.'),
      risk: s('RiskLevelDuringSignIn as logged (number or word); compared by value.'),
      sessionId: s('SessionId (Defender) or the session id Entra logs; empty when none.', 'Session'),
      correlationId: s('CorrelationId.'),
      location: s('Location (country code) as logged.'),
      city: s('LocationDetails.city / City.'),
      statusCode: s('Status.errorCode as text.'),
      statusDetails: s('Status.additionalDetails.'),
      deviceId: s('DeviceDetail.deviceId / DeviceId.', 'Device'),
      userAgent: s('UserAgent.'),
      clientApp: s('ClientAppUsed.'),
      authRequirement: s('AuthenticationRequirement.'),
    },
  },
  SECURITY_INFO: {
    from: ['User'],
    to: ['MfaMethod'],
    description: 'A security-info (MFA method) registration, change or deletion on a user, from AuditLogs.',
    sources: ['AuditLogs'],
    props: {
      operationName: s('OperationName.'),
      category: s('Category.'),
      result: s('Result.'),
      resultReason: s('ResultReason.'),
      initiatorId: s('InitiatedBy.user.id.'),
      initiatorUpn: s('InitiatedBy.user.userPrincipalName as logged.', 'User'),
      initiatorApp: s('InitiatedBy.app.displayName.'),
      ip: s('InitiatedBy.user.ipAddress as logged.', 'IP'),
      targetUpn: s('TargetResources[0].userPrincipalName as logged.'),
      targetId: s('TargetResources[0].id.'),
      methodType: s('TargetResources[0].displayName.'),
      correlationId: s('CorrelationId.'),
    },
  },
  DEVICE_OWNER: {
    from: ['User'],
    to: ['Device'],
    description: 'A registered owner added to a device (device registration).',
    sources: ['CloudAppEvents', 'AuditLogs'],
    props: {
      table: s('Table the event came from.'),
      actionType: s('ActionType (CloudAppEvents) or OperationName (AuditLogs).'),
      accountDisplayName: s('AccountDisplayName (the acting service), or InitiatedBy app/user display name.'),
      reportId: s('ReportId (CloudAppEvents) or Id (AuditLogs).'),
      accountUpn: s('RawEventData.ObjectId: the owner UPN as logged.'),
      accountObjectId: s('RawEventData.Target[1].ID: the owner object id.'),
      deviceObjectId: s('RawEventData.ModifiedProperties[0].NewValue.'),
      deviceDisplayName: s('RawEventData.ModifiedProperties[1].NewValue.'),
      ip: s('IPAddress of the event, when logged.', 'IP'),
    },
  },
  HAS_ROLE: {
    from: ['User'],
    to: ['Role'],
    description: 'A role the account holds, as IdentityInfo reports it at that time.',
    sources: ['IdentityInfo'],
    props: {
      role: s('The AssignedRoles element as logged.'),
      accountUpn: s('AccountUPN / AccountUpn as logged.'),
    },
  },
  ROLE_ASSIGNED: {
    from: ['User'],
    to: ['Role'],
    description: 'A role assignment to the target user, from AuditLogs RoleManagement.',
    sources: ['AuditLogs'],
    props: {
      operationName: s('OperationName.'),
      category: s('Category.'),
      result: s('Result.'),
      roleName: s('Role display name from TargetResources.modifiedProperties.'),
      initiator: s('lower(InitiatedBy.user.userPrincipalName), else lower(InitiatedBy.app.displayName).'),
      ip: s('InitiatedBy.user.ipAddress, else InitiatedBy.app.ipAddress.', 'IP'),
      targetUpn: s('Target user UPN as logged.'),
      correlationId: s('CorrelationId.'),
    },
  },
  INITIATED_ROLE_CHANGE: {
    from: ['User', 'App'],
    to: ['User', 'Role'],
    description: 'An actor (user or app) that performed a RoleManagement operation, towards the target user (or the role when no user is targeted).',
    sources: ['AuditLogs'],
    props: {
      operationName: s('OperationName.'),
      category: s('Category.'),
      result: s('Result.'),
      roleName: s('Role display name, when logged.', 'Role'),
      initiator: s('lower(InitiatedBy.user.userPrincipalName), else lower(InitiatedBy.app.displayName).'),
      ip: s('InitiatedBy.user.ipAddress, else InitiatedBy.app.ipAddress.', 'IP'),
      targetUpn: s('Target user UPN as logged.'),
      correlationId: s('CorrelationId.'),
    },
  },
  ALERTED: {
    from: ['Alert'],
    to: ['User', 'IP', 'Device'],
    description: 'A security alert naming an entity (top-level entities of SecurityAlert.Entities).',
    sources: ['SecurityAlert'],
    props: {
      alertName: s('AlertName.'),
      severity: s('AlertSeverity.'),
      provider: s('ProviderName.'),
      entityType: s('The entity Type as logged (account, ip, host).'),
      account: s('For account entities: lower(Name + "@" + UPNSuffix) when UPNSuffix is non-empty, else lower(Name).'),
      compromisedEntity: s('CompromisedEntity.'),
      systemAlertId: s('SystemAlertId.'),
    },
  },
} as const satisfies Record<
  string,
  {
    from: readonly NodeKind[];
    to: readonly NodeKind[];
    description: string;
    sources: readonly string[];
    props: Record<string, PropSpec>;
  }
>;

export type EdgeKind = keyof typeof EDGE_KINDS;
export const EDGE_KIND_NAMES = Object.keys(EDGE_KINDS) as EdgeKind[];
export const EdgeKindSchema = z.enum(EDGE_KIND_NAMES as [EdgeKind, ...EdgeKind[]]);

/** Occurrence property names of an edge kind. */
export type EdgeProp<K extends EdgeKind> = keyof (typeof EDGE_KINDS)[K]['props'] & string;

/** Properties every occurrence has regardless of kind. */
export const OCCURRENCE_BUILTINS = {
  time: { type: 'number', doc: 'Event time, epoch milliseconds (TimeGenerated / Timestamp).' },
  eventId: { type: 'string', doc: 'Stable id of the raw event behind the occurrence.' },
} as const;

/** Named edge sets, so patterns and chain rules never retype kind lists. */
export const EDGE_SETS = {
  signIns: ['SIGNED_IN'],
  mfaChanges: ['SECURITY_INFO'],
  persistence: ['SECURITY_INFO', 'DEVICE_OWNER', 'ROLE_ASSIGNED'],
  privilege: ['HAS_ROLE', 'ROLE_ASSIGNED', 'INITIATED_ROLE_CHANGE'],
} as const satisfies Record<string, readonly EdgeKind[]>;

/** The spec of one property of an edge kind, or undefined when the kind has no such property. */
export function edgePropSpec(kind: EdgeKind, prop: string): PropSpec | undefined {
  const props = EDGE_KINDS[kind].props as Record<string, PropSpec>;
  return Object.hasOwn(props, prop) ? props[prop] : undefined;
}

const PROP_POSITIONS = new Map<EdgeKind, ReadonlyMap<string, number>>(EDGE_KIND_NAMES.map((k) => [k, new Map(Object.keys(EDGE_KINDS[k].props).map((name, i) => [name, i]))]));

/** An edge kind's properties by position, in declared order: the occurrence columns are laid out so. */
export function edgePropPositions(kind: EdgeKind): ReadonlyMap<string, number> {
  return PROP_POSITIONS.get(kind)!;
}

/** A property's position among its edge kind's properties (edgePropPositions), or -1. */
export function edgePropPosition(kind: EdgeKind, prop: string): number {
  return PROP_POSITIONS.get(kind)?.get(prop) ?? -1;
}

/** Whether a node kind has the named property (`key` is every node's). */
export function nodeHasProp(kind: NodeKind, prop: string): boolean {
  return prop === 'key' || Object.hasOwn(NODE_KINDS[kind].props, prop);
}
