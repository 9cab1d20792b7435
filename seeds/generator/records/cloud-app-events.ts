/**
 * CloudAppEvents rows (Defender for Cloud Apps): the Entra ID audit events
 * of a device registration as the Device Registration Service logs them,
 * with RawEventData an object holding ObjectId, Target and ModifiedProperties
 * where hunt 3 reads them (ObjectId = owner UPN, Target[1].ID = owner object
 * id, ModifiedProperties[0/1].NewValue = device object id / display name).
 */
import type { Rng } from '../rng.js';
import type { SimUser, Tenant } from '../tenant.js';
import { iso } from '../time.js';
import { DEVICE_REGISTRATION_SERVICE } from './audit-logs.js';

export type DeviceAction = 'Add device.' | 'Add registered owner to device.';

/** One CloudAppEvents row of a device registration step. */
export function deviceRegistrationEventRecord(
  rng: Rng,
  tenant: Tenant,
  e: { time: number; action: DeviceAction; owner: SimUser; deviceObjectId: string; deviceName: string; os: string; ip: string; countryCode: string; city: string },
): Record<string, unknown> {
  const auditId = rng.uuid();
  const owner = e.action === 'Add registered owner to device.';
  const raw = {
    CreationTime: iso(e.time).slice(0, 19),
    Id: auditId,
    Operation: e.action,
    OrganizationId: tenant.tenantId,
    RecordType: 8,
    ResultStatus: 'Success',
    UserKey: 'Not Available',
    UserType: 4,
    Version: 1,
    Workload: 'AzureActiveDirectory',
    ObjectId: owner ? e.owner.upn : e.deviceName,
    UserId: `ServicePrincipal_${DEVICE_REGISTRATION_SERVICE.spId}`,
    AzureActiveDirectoryEventType: 1,
    ExtendedProperties: [
      { Name: 'additionalDetails', Value: owner ? '{}' : JSON.stringify({ DeviceOSType: e.os, DeviceTrustType: 'Workplace' }) },
      { Name: 'extendedAuditEventCategory', Value: 'Device' },
    ],
    ModifiedProperties: owner
      ? [
          { Name: 'Device.ObjectID', NewValue: e.deviceObjectId, OldValue: '' },
          { Name: 'Device.DisplayName', NewValue: e.deviceName, OldValue: '' },
          { Name: 'Included Updated Properties', NewValue: '', OldValue: '' },
        ]
      : [
          { Name: 'AccountEnabled', NewValue: '[true]', OldValue: '[]' },
          { Name: 'DisplayName', NewValue: JSON.stringify([e.deviceName]), OldValue: '[]' },
          { Name: 'OperatingSystem', NewValue: JSON.stringify([e.os]), OldValue: '[]' },
          { Name: 'Included Updated Properties', NewValue: 'AccountEnabled, DisplayName, OperatingSystem', OldValue: '' },
        ],
    Actor: [
      { ID: DEVICE_REGISTRATION_SERVICE.app, Type: 1 },
      { ID: `ServicePrincipal_${DEVICE_REGISTRATION_SERVICE.spId}`, Type: 2 },
      { ID: DEVICE_REGISTRATION_SERVICE.spId, Type: 2 },
      { ID: 'ServicePrincipal', Type: 2 },
    ],
    ActorContextId: tenant.tenantId,
    InterSystemsId: rng.uuid(),
    IntraSystemId: rng.uuid(),
    SupportTicketId: '',
    Target: owner
      ? [
          { ID: `User_${e.owner.objectId}`, Type: 2 },
          { ID: e.owner.objectId, Type: 2 },
          { ID: 'User', Type: 2 },
          { ID: e.owner.upn, Type: 5 },
        ]
      : [
          { ID: `Device_${e.deviceObjectId}`, Type: 2 },
          { ID: e.deviceObjectId, Type: 2 },
          { ID: 'Device', Type: 2 },
          { ID: e.deviceName, Type: 1 },
        ],
    TargetContextId: tenant.tenantId,
  };
  return {
    Timestamp: iso(e.time),
    ActionType: e.action,
    Application: 'Microsoft 365',
    ApplicationId: 11161,
    AppInstanceId: 0,
    AccountObjectId: DEVICE_REGISTRATION_SERVICE.spId,
    AccountId: DEVICE_REGISTRATION_SERVICE.spId,
    AccountDisplayName: DEVICE_REGISTRATION_SERVICE.app,
    IsAdminOperation: false,
    DeviceType: '',
    OSPlatform: '',
    IPAddress: e.ip,
    IsAnonymousProxy: false,
    CountryCode: e.countryCode,
    City: e.city,
    ISP: '',
    UserAgent: '',
    ActivityType: owner ? 'Edit' : 'Create',
    ActivityObjects: [
      { Type: 'Device', Role: 'Target object', Name: e.deviceName, Id: e.deviceObjectId },
      ...(owner ? [{ Type: 'Account', Role: 'Target object', Name: e.owner.displayName, Id: e.owner.objectId }] : []),
      { ApplicationId: 11161, Type: 'Account', Role: 'Actor', Name: DEVICE_REGISTRATION_SERVICE.app, Id: DEVICE_REGISTRATION_SERVICE.spId },
    ],
    ObjectName: e.deviceName,
    ObjectType: 'Device',
    ObjectId: e.deviceObjectId,
    ReportId: auditId,
    AccountType: 'Application',
    IsExternalUser: false,
    IsImpersonated: false,
    IPTags: [],
    IPCategory: '',
    UserAgentTags: [],
    RawEventData: raw,
    AdditionalFields: {},
    AuditSource: 'Defender for Cloud Apps access control',
    OAuthAppId: '',
    TenantId: tenant.tenantId,
    SourceSystem: '',
    TimeGenerated: iso(e.time),
    Type: 'CloudAppEvents',
  };
}
