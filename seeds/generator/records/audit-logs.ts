/**
 * AuditLogs rows (Entra ID directory audit): InitiatedBy and TargetResources
 * as objects, Category, LoggedByService and Id in the forms Entra ID logs for
 * security-info changes (UserManagement / Authentication Methods), role
 * assignments (RoleManagement / Core Directory) and device registrations
 * (Device / Core Directory).
 */
import type { Rng } from '../rng.js';
import type { SimUser, Tenant } from '../tenant.js';
import { iso } from '../time.js';

/** Who did it: a user from an IP, or an application (service principal). */
export type Initiator = { readonly user: SimUser; readonly ip: string } | { readonly app: string; readonly appId: string; readonly spId: string };

/** The Device Registration Service, which logs device registrations. */
export const DEVICE_REGISTRATION_SERVICE = { app: 'Device Registration Service', appId: '01cb2876-7ebd-4aa4-9cc9-d28bd4d359a9', spId: 'b0cb6aac-3a38-42c2-8a2d-4a6f0e7f6d2b' } as const;
/** Privileged Identity Management, which performs scheduled role assignments. */
export const MS_PIM = { app: 'MS-PIM', appId: '01fc33a7-78ba-4d2f-a4b7-768e336e890e', spId: '3c5ba0f6-0a5c-4c5c-a3a1-d4e0b4d5b4a1' } as const;

interface AuditSpec {
  readonly time: number;
  readonly operation: string;
  readonly category: 'UserManagement' | 'RoleManagement' | 'Device';
  readonly loggedBy: string;
  readonly operationType: string;
  readonly initiator: Initiator;
  readonly targets: readonly Record<string, unknown>[];
  readonly resultReason: string;
  readonly userAgent: string;
}

function initiatedBy(i: Initiator): Record<string, unknown> {
  return 'user' in i
    ? { user: { id: i.user.objectId, displayName: null, userPrincipalName: i.user.upn, ipAddress: i.ip, roles: [] } }
    : { app: { appId: i.appId, displayName: i.app, servicePrincipalId: i.spId, servicePrincipalName: null } };
}

function auditRecord(rng: Rng, tenant: Tenant, a: AuditSpec): Record<string, unknown> {
  const correlationId = rng.uuid();
  const prefix = a.loggedBy === 'Authentication Methods' ? 'SSGM' : 'Directory';
  return {
    TenantId: tenant.tenantId,
    SourceSystem: 'Azure AD',
    TimeGenerated: iso(a.time),
    ResourceId: `/tenants/${tenant.tenantId}/providers/Microsoft.aadiam`,
    OperationName: a.operation,
    OperationVersion: '1.0',
    Category: a.category,
    ResultType: '',
    ResultSignature: 'None',
    ResultDescription: '',
    DurationMs: 0,
    CorrelationId: correlationId,
    Resource: 'Microsoft.aadiam',
    ResourceGroup: 'Microsoft.aadiam',
    ResourceProvider: '',
    Identity: '',
    Level: '4',
    Location: '',
    AdditionalDetails: a.userAgent ? [{ key: 'User-Agent', value: a.userAgent }] : [],
    Id: `${prefix}_${correlationId}_${rng.hex(5).toUpperCase()}_${rng.int(10_000_000, 99_999_999)}`,
    InitiatedBy: initiatedBy(a.initiator),
    LoggedByService: a.loggedBy,
    Result: 'success',
    ResultReason: a.resultReason,
    TargetResources: a.targets,
    AADTenantId: tenant.tenantId,
    ActivityDisplayName: a.operation,
    ActivityDateTime: iso(a.time),
    AADOperationType: a.operationType,
    Type: 'AuditLogs',
  };
}

/** The security-info operations (hunt 2's list) and how each is logged. */
export type SecurityInfoOperation =
  | 'User registered security info'
  | 'User changed default security info'
  | 'User deleted security info'
  | 'User started security info registration'
  | 'User registered all required security info'
  | 'Admin registered security info'
  | 'Admin updated security info'
  | 'Admin deleted security info';

/** A security-info (MFA method) change: TargetResources[0] is the user whose methods changed, its displayName the method. */
export function securityInfoAuditRecord(
  rng: Rng,
  tenant: Tenant,
  e: { time: number; operation: SecurityInfoOperation; initiator: Initiator; target: SimUser; method: string; userAgent: string },
): Record<string, unknown> {
  const reason =
    e.operation === 'User registered security info' || e.operation === 'Admin registered security info'
      ? `User registered ${e.method}`
      : e.operation === 'User changed default security info'
        ? `User changed default security info to ${e.method}`
        : `${e.operation.split(' ')[0]} ${e.operation.split(' ').slice(1).join(' ')}`;
  return auditRecord(rng, tenant, {
    time: e.time,
    operation: e.operation,
    category: 'UserManagement',
    loggedBy: 'Authentication Methods',
    operationType: e.operation.includes('deleted') ? 'Delete' : e.operation.includes('registered') ? 'Add' : 'Update',
    initiator: e.initiator,
    targets: [{ id: e.target.objectId, displayName: e.method, type: 'User', userPrincipalName: e.target.upn, groupType: null, modifiedProperties: [], administrativeUnits: [] }],
    resultReason: reason,
    userAgent: e.userAgent,
  });
}

/** "Add member to role": TargetResources[0] the user given the role, the role named in its modifiedProperties, TargetResources[1] the role. */
export function roleAssignmentAuditRecord(
  rng: Rng,
  tenant: Tenant,
  e: { time: number; initiator: Initiator; target: SimUser; role: string; roleObjectId: string; roleTemplateId: string; userAgent: string },
): Record<string, unknown> {
  const q = (v: string): string => JSON.stringify(v);
  return auditRecord(rng, tenant, {
    time: e.time,
    operation: 'Add member to role',
    category: 'RoleManagement',
    loggedBy: 'Core Directory',
    operationType: 'Assign',
    initiator: e.initiator,
    targets: [
      {
        id: e.target.objectId,
        displayName: null,
        type: 'User',
        userPrincipalName: e.target.upn,
        modifiedProperties: [
          { displayName: 'Role.ObjectID', oldValue: null, newValue: q(e.roleObjectId) },
          { displayName: 'Role.DisplayName', oldValue: null, newValue: q(e.role) },
          { displayName: 'Role.TemplateId', oldValue: null, newValue: q(e.roleTemplateId) },
          { displayName: 'Role.WellKnownObjectName', oldValue: null, newValue: q(e.role.replace(/ /g, '')) },
        ],
        administrativeUnits: [],
      },
      { id: e.roleObjectId, displayName: e.role, type: 'Role', modifiedProperties: [], administrativeUnits: [] },
    ],
    resultReason: '',
    userAgent: e.userAgent,
  });
}

/** "Register device" or "Add registered owner to device", as the Device Registration Service logs them. */
export function deviceAuditRecord(
  rng: Rng,
  tenant: Tenant,
  e: { time: number; operation: 'Register device' | 'Add registered owner to device'; owner: SimUser; deviceObjectId: string; deviceName: string; os: string },
): Record<string, unknown> {
  const device = {
    id: e.deviceObjectId,
    displayName: e.deviceName,
    type: 'Device',
    modifiedProperties:
      e.operation === 'Register device'
        ? [
            { displayName: 'CloudDisplayName', oldValue: null, newValue: q2(e.deviceName) },
            { displayName: 'CloudDeviceOSType', oldValue: null, newValue: q2(e.os) },
            { displayName: 'CloudAccountEnabled', oldValue: null, newValue: '[true]' },
          ]
        : [],
    administrativeUnits: [],
  };
  const owner = { id: e.owner.objectId, displayName: null, type: 'User', userPrincipalName: e.owner.upn, modifiedProperties: [], administrativeUnits: [] };
  return auditRecord(rng, tenant, {
    time: e.time,
    operation: e.operation,
    category: 'Device',
    loggedBy: 'Core Directory',
    operationType: e.operation === 'Register device' ? 'Add' : 'Assign',
    initiator: DEVICE_REGISTRATION_SERVICE,
    targets: e.operation === 'Register device' ? [device] : [device, owner],
    resultReason: '',
    userAgent: '',
  });
}

function q2(v: string): string {
  return JSON.stringify([v]);
}
