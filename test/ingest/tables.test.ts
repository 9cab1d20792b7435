import { describe, expect, it } from 'vitest';
import type { EdgeFact, EventFacts } from '../../src/graph/facts.js';
import { EDGE_KINDS, type EdgeKind } from '../../src/graph/schema.js';
import { TABLE_NAMES } from '../../src/ingest/table-names.js';
import { TABLES } from '../../src/ingest/tables/index.js';
import { canonicalJson, hashEventId } from '../../src/ingest/tables/event-id.js';
import { parseTimestamp } from '../../src/ingest/tables/timestamps.js';
import { prepared, rejected } from './helpers.js';
import { rawRecord } from '../../src/ingest/prepared-event.js';

const T0 = '2026-05-01T10:00:00Z';
const edges = (f: EventFacts, kind: EdgeKind): EdgeFact[] => f.edges.filter((e) => e.kind === kind);
const node = (f: EventFacts, kind: string, key: string) => f.nodes.find((n) => n.kind === kind && n.key === key);

/** Every edge uses a kind's declared endpoints and only its declared props. */
function checkVocabulary(f: EventFacts): void {
  for (const e of f.edges) {
    const spec = EDGE_KINDS[e.kind];
    expect(spec.from as readonly string[]).toContain(e.from.kind);
    expect(spec.to as readonly string[]).toContain(e.to.kind);
    for (const p of Object.keys(e.props)) expect(Object.keys(spec.props)).toContain(p);
    expect(e.eventId).toBe(f.eventId);
    expect(e.time).toBe(f.time);
    for (const end of [e.from, e.to]) expect(node(f, end.kind, end.key)).toBeDefined();
  }
}

describe('TABLES', () => {
  it('has a spec for every table name', () => {
    expect(Object.keys(TABLES).sort()).toEqual([...TABLE_NAMES].sort());
    for (const t of TABLE_NAMES) expect(TABLES[t].name).toBe(t);
  });
});

describe('SigninLogs', () => {
  const rec = {
    TimeGenerated: T0,
    Id: 'req-1',
    UserPrincipalName: 'Alice@Contoso.COM',
    UserId: 'AAAA-1111',
    IPAddress: '2001:DB8:0:0:0:0:0:1',
    AppDisplayName: 'Azure Portal',
    AppId: 'app-1',
    ResultType: 50126,
    ResultDescription: 'Invalid username or password',
    RiskLevelDuringSignIn: 'none',
    CorrelationId: 'corr',
    Location: 'US',
    LocationDetails: { city: 'Seattle' },
    Status: { errorCode: 50126, additionalDetails: 'wrong password' },
    DeviceDetail: { deviceId: 'DEV-1', displayName: 'Laptop' },
    UserAgent: 'ua',
    ClientAppUsed: 'Browser',
    AuthenticationRequirement: 'singleFactorAuthentication',
    Type: 'SigninLogs',
    ExtraColumn: { kept: true },
  };

  it('maps a sign-in: lower-cased user key with object id alias, canonical IPv6, props as logged', () => {
    const p = prepared(rec);
    expect(p.table).toBe('SigninLogs');
    expect(p.time).toBe(Date.parse(T0));
    expect(p.raw).toBe(rec);
    checkVocabulary(p.facts);
    const [e] = edges(p.facts, 'SIGNED_IN');
    expect(e!.from).toEqual({ kind: 'User', key: 'alice@contoso.com' });
    expect(e!.to).toEqual({ kind: 'IP', key: '2001:db8::1' });
    expect(node(p.facts, 'User', 'alice@contoso.com')!.aliases).toEqual(['aaaa-1111']);
    expect(e!.props).toEqual({
      table: 'SigninLogs',
      upn: 'Alice@Contoso.COM',
      userId: 'AAAA-1111',
      ip: '2001:DB8:0:0:0:0:0:1',
      app: 'Azure Portal',
      appId: 'app-1',
      resultType: '50126',
      resultDescription: 'Invalid username or password',
      risk: 'none',
      sessionId: null,
      correlationId: 'corr',
      location: 'US',
      city: 'Seattle',
      statusCode: '50126',
      statusDetails: 'wrong password',
      deviceId: 'DEV-1',
      userAgent: 'ua',
      clientApp: 'Browser',
      authRequirement: 'singleFactorAuthentication',
    });
    expect(node(p.facts, 'App', 'azure portal')).toBeDefined();
    expect(node(p.facts, 'Device', 'dev-1')).toBeDefined();
  });

  it('keys a user by object id when no UPN is logged, and signs in from IP "" when no IP is', () => {
    const p = prepared({ ...rec, UserPrincipalName: '', IPAddress: null });
    const [e] = edges(p.facts, 'SIGNED_IN');
    expect(e!.from.key).toBe('aaaa-1111');
    expect(e!.to).toEqual({ kind: 'IP', key: '' });
    expect(e!.props['ip']).toBeNull();
    expect(node(p.facts, 'User', 'aaaa-1111')!.aliases).toBeUndefined();
  });

  it('strips a port from IPv4:port and brackets from [IPv6]', () => {
    expect(edges(prepared({ ...rec, IPAddress: '198.51.100.4:4431' }).facts, 'SIGNED_IN')[0]!.to.key).toBe('198.51.100.4');
    expect(edges(prepared({ ...rec, IPAddress: '[2001:db8::0:1]' }).facts, 'SIGNED_IN')[0]!.to.key).toBe('2001:db8::1');
  });

  it('reads AADNonInteractiveUserSignInLogs dynamic columns logged as JSON text', () => {
    const p = prepared({ ...rec, Type: 'AADNonInteractiveUserSignInLogs', Status: '{"errorCode":0}', LocationDetails: '{"city":"Oslo"}', DeviceDetail: '{"deviceId":""}', ResultType: '0' });
    expect(p.table).toBe('AADNonInteractiveUserSignInLogs');
    expect(edges(p.facts, 'SIGNED_IN')[0]!.props).toMatchObject({ table: 'AADNonInteractiveUserSignInLogs', statusCode: '0', city: 'Oslo', deviceId: null, resultType: '0' });
  });

  it('takes CreatedDateTime when TimeGenerated is missing', () => {
    const { TimeGenerated: _t, ...noTg } = rec;
    expect(prepared({ ...noTg, 'CreatedDateTime [UTC]': '4/28/2021, 2:08:45.221 PM' }).time).toBe(Date.UTC(2021, 3, 28, 14, 8, 45, 221));
  });

  it('names the field of a wrong type, a bad JSON text and a bad time', () => {
    expect(rejected({ ...rec, ResultType: { code: 1 } })).toMatchObject({ kind: 'rejected', path: 'ResultType', table: 'SigninLogs' });
    expect(rejected({ ...rec, Status: '{"errorCode":' })).toMatchObject({ path: 'Status' });
    expect(rejected({ ...rec, TimeGenerated: 'yesterday' })).toMatchObject({ path: 'TimeGenerated' });
    expect(rejected({ ...rec, TimeGenerated: '2026-02-30T00:00:00Z' })).toMatchObject({ path: 'TimeGenerated' });
  });

  it('requires a time: an empty time column is rejected even with a fallback; no time column uses the fallback', () => {
    expect(rejected({ ...rec, TimeGenerated: '' }, undefined, { fallbackTime: 5 })).toMatchObject({ path: 'TimeGenerated' });
    const { TimeGenerated: _t, ...noTime } = rec;
    expect(rejected(noTime)).toMatchObject({ path: 'TimeGenerated' });
    expect(prepared(noTime, undefined, { fallbackTime: 1234 }).time).toBe(1234);
  });

  it('gives the same id to the same record and to re-exports of one step; distinct steps of one request differ', () => {
    const a = prepared(rec).eventId;
    expect(prepared({ ...rec }).eventId).toBe(a);
    expect(prepared({ ...rec, AuthenticationRequirement: '' }).eventId).toBe(a);
    expect(prepared({ ...rec, ResultType: '0' }).eventId).not.toBe(a);
    expect(a).toBe('SigninLogs:req-1:50126');
  });
});

describe('EntraIdSignInEvents', () => {
  const rec = {
    Timestamp: '2026-05-01T10:00:00.1234567Z',
    ReportId: 'r-1',
    AccountUpn: 'Eve@Contoso.com',
    AccountObjectId: 'EVE-ID',
    IPAddress: '203.0.113.50',
    Application: 'OfficeHome',
    ApplicationId: '4765445b',
    ErrorCode: 0,
    RiskLevelDuringSignIn: 50,
    SessionId: 'sess-1',
    Country: 'FR',
    City: 'Paris',
    AadDeviceId: 'D-9',
    DeviceName: 'pc9',
  };

  it('maps to SIGNED_IN with risk as text, session and device nodes, under the alias table name too', () => {
    const p = prepared(rec, 'AADSignInEventsBeta');
    expect(p.table).toBe('EntraIdSignInEvents');
    expect(p.time).toBe(Date.UTC(2026, 4, 1, 10, 0, 0, 123));
    checkVocabulary(p.facts);
    const [e] = edges(p.facts, 'SIGNED_IN');
    expect(e!.props).toMatchObject({ table: 'EntraIdSignInEvents', risk: '50', resultType: '0', sessionId: 'sess-1', app: 'OfficeHome', userId: 'EVE-ID', location: 'FR', city: 'Paris', deviceId: 'D-9' });
    expect(e!.from.key).toBe('eve@contoso.com');
    expect(node(p.facts, 'Session', 'sess-1')).toBeDefined();
    expect(node(p.facts, 'Device', 'd-9')).toBeDefined();
    expect(p.eventId).toBe(`EntraIdSignInEvents:r-1:${p.time}`);
  });

  it('accepts risk logged as text', () => {
    expect(edges(prepared({ ...rec, RiskLevelDuringSignIn: '100' }, 'EntraIdSignInEvents').facts, 'SIGNED_IN')[0]!.props['risk']).toBe('100');
  });
});

describe('AuditLogs', () => {
  const base = { TimeGenerated: T0, Id: 'Directory_1', CorrelationId: 'corr-9', Result: 'success' };

  it('maps security info (InitiatedBy / TargetResources as JSON text) to SECURITY_INFO with the hunt props', () => {
    const p = prepared({
      ...base,
      Category: 'UserManagement',
      OperationName: 'User registered security info',
      InitiatedBy: JSON.stringify({ user: { id: 'u-1', userPrincipalName: 'Carol@Contoso.com', ipAddress: '198.51.100.1' } }),
      TargetResources: JSON.stringify([{ id: 'u-1', displayName: 'Microsoft Authenticator App', userPrincipalName: 'Carol@Contoso.com' }]),
    }, 'AuditLogs');
    checkVocabulary(p.facts);
    const [e] = edges(p.facts, 'SECURITY_INFO');
    expect(e!.from).toEqual({ kind: 'User', key: 'carol@contoso.com' });
    expect(e!.to).toEqual({ kind: 'MfaMethod', key: 'carol@contoso.com|microsoft authenticator app' });
    expect(e!.props).toEqual({
      operationName: 'User registered security info',
      category: 'UserManagement',
      result: 'success',
      resultReason: null,
      initiatorId: 'u-1',
      initiatorUpn: 'Carol@Contoso.com',
      initiatorApp: null,
      ip: '198.51.100.1',
      targetUpn: 'Carol@Contoso.com',
      targetId: 'u-1',
      methodType: 'Microsoft Authenticator App',
      correlationId: 'corr-9',
    });
    expect(p.eventId).toBe('AuditLogs:Directory_1');
  });

  it('maps an admin role assignment to ROLE_ASSIGNED and INITIATED_ROLE_CHANGE', () => {
    const p = prepared({
      ...base,
      Category: 'RoleManagement',
      OperationName: 'Add member to role',
      InitiatedBy: { user: { id: 'adm', userPrincipalName: 'Admin@Contoso.com', ipAddress: '192.0.2.77' } },
      TargetResources: [
        {
          id: 'T-ID',
          type: 'User',
          userPrincipalName: 'Target@Contoso.com',
          modifiedProperties: [
            { displayName: 'Role.ObjectID', newValue: '"62e90394"' },
            { displayName: 'Role.DisplayName', newValue: '"Global Administrator"' },
          ],
        },
        { id: '62e90394', type: 'Role', displayName: 'Global Administrator' },
      ],
    }, 'AuditLogs');
    checkVocabulary(p.facts);
    const [assigned] = edges(p.facts, 'ROLE_ASSIGNED');
    expect(assigned!.from).toEqual({ kind: 'User', key: 'target@contoso.com' });
    expect(assigned!.to).toEqual({ kind: 'Role', key: 'global administrator' });
    const [init] = edges(p.facts, 'INITIATED_ROLE_CHANGE');
    expect(init!.from).toEqual({ kind: 'User', key: 'admin@contoso.com' });
    expect(init!.to).toEqual({ kind: 'User', key: 'target@contoso.com' });
    expect(init!.props).toMatchObject({ initiator: 'admin@contoso.com', roleName: 'Global Administrator', ip: '192.0.2.77', targetUpn: 'Target@Contoso.com', category: 'RoleManagement' });
  });

  it('points an app-initiated role change with no target user at the role', () => {
    const p = prepared({
      ...base,
      Category: 'RoleManagement',
      OperationName: 'Add member to role in PIM requested (permanent)',
      InitiatedBy: { app: { displayName: 'MS-PIM', appId: null } },
      TargetResources: [{ id: 'r', type: 'Role', displayName: 'Security Administrator' }],
    }, 'AuditLogs');
    expect(edges(p.facts, 'ROLE_ASSIGNED')).toEqual([]);
    const [init] = edges(p.facts, 'INITIATED_ROLE_CHANGE');
    expect(init!.from).toEqual({ kind: 'App', key: 'ms-pim' });
    expect(init!.to).toEqual({ kind: 'Role', key: 'security administrator' });
    expect(init!.props['initiator']).toBe('ms-pim');
  });

  it('maps "Add registered owner to device" to DEVICE_OWNER', () => {
    const p = prepared({
      ...base,
      Category: 'Device',
      OperationName: 'Add registered owner to device',
      InitiatedBy: { app: { displayName: 'Device Registration Service' } },
      TargetResources: [
        { id: 'DEV-OBJ', type: 'Device', displayName: 'DESKTOP-1' },
        { id: 'OWN-ID', type: 'User', userPrincipalName: 'Owner@Contoso.com' },
      ],
    }, 'AuditLogs');
    checkVocabulary(p.facts);
    const [e] = edges(p.facts, 'DEVICE_OWNER');
    expect(e!.from).toEqual({ kind: 'User', key: 'owner@contoso.com' });
    expect(e!.to).toEqual({ kind: 'Device', key: 'dev-obj' });
    expect(e!.props).toMatchObject({ table: 'AuditLogs', reportId: 'Directory_1', accountObjectId: 'OWN-ID', deviceDisplayName: 'DESKTOP-1', accountDisplayName: 'Device Registration Service' });
  });

  it('stores other operations with no edges', () => {
    const p = prepared({ ...base, Category: 'ApplicationManagement', OperationName: 'Update application' }, 'AuditLogs');
    expect(p.facts.edges).toEqual([]);
  });

  it('names the nested field of a wrong type', () => {
    const r = rejected({ ...base, Category: 'UserManagement', OperationName: 'x', TargetResources: JSON.stringify([{ userPrincipalName: { a: 1 } }]) }, 'AuditLogs');
    expect(r.path).toBe('TargetResources.0.userPrincipalName');
  });
});

describe('CloudAppEvents', () => {
  const raw = {
    ObjectId: 'Mallory@Contoso.com',
    Target: [{ ID: 'Device_x', Type: 2 }, { ID: 'MAL-ID', Type: 2 }],
    ModifiedProperties: [{ Name: 'DeviceId', NewValue: 'DEV-42' }, { Name: 'DisplayName', NewValue: 'EVIL-PC' }],
  };
  const rec = {
    Timestamp: '2026-05-01T11:00:00Z',
    ActionType: 'Add registered owner to device.',
    AccountDisplayName: 'Device Registration Service',
    ReportId_long: null,
    ReportId_string: 'rep-7',
    RawEventData: JSON.stringify(raw),
  };

  it('maps device registration from RawEventData JSON text, ReportId folded from its split columns', () => {
    const p = prepared(rec, 'CloudAppEvents');
    checkVocabulary(p.facts);
    const [e] = edges(p.facts, 'DEVICE_OWNER');
    expect(e!.from).toEqual({ kind: 'User', key: 'mallory@contoso.com' });
    expect(node(p.facts, 'User', 'mallory@contoso.com')!.aliases).toEqual(['mal-id']);
    expect(e!.to).toEqual({ kind: 'Device', key: 'dev-42' });
    expect(e!.props).toEqual({
      table: 'CloudAppEvents',
      actionType: 'Add registered owner to device.',
      accountDisplayName: 'Device Registration Service',
      reportId: 'rep-7',
      accountUpn: 'Mallory@Contoso.com',
      accountObjectId: 'MAL-ID',
      deviceObjectId: 'DEV-42',
      deviceDisplayName: 'EVIL-PC',
      ip: null,
    });
    expect(p.eventId).toBe(`CloudAppEvents:rep-7:${p.time}`);
    expect(Object.hasOwn(rawRecord(p), 'ReportId')).toBe(false);
  });

  it('stores other actions with no edges', () => {
    expect(prepared({ ...rec, ActionType: 'MailItemsAccessed', RawEventData: { Operation: 'x' } }, 'CloudAppEvents').facts.edges).toEqual([]);
  });
});

describe('IdentityInfo', () => {
  it('emits HAS_ROLE per assigned role (JSON text), UPN from AccountUPN or AccountUpn, portal time', () => {
    const p = prepared({ 'TimeGenerated [UTC]': '4/28/2026, 12:53:55.519 AM', AccountUPN: 'Root@Contoso.com', AccountObjectId: 'R-1', AssignedRoles: '["Global Administrator","Security Reader"]' }, 'IdentityInfo');
    expect(p.time).toBe(Date.UTC(2026, 3, 28, 0, 53, 55, 519));
    checkVocabulary(p.facts);
    const has = edges(p.facts, 'HAS_ROLE');
    expect(has.map((e) => [e.from.key, e.to.key, e.props['role'], e.props['accountUpn']])).toEqual([
      ['root@contoso.com', 'global administrator', 'Global Administrator', 'Root@Contoso.com'],
      ['root@contoso.com', 'security reader', 'Security Reader', 'Root@Contoso.com'],
    ]);
    const d = prepared({ Timestamp: T0, AccountUpn: 'x@contoso.com', AssignedRoles: ['Exchange Administrator'], Type: 'User' }, 'IdentityInfo');
    expect(edges(d.facts, 'HAS_ROLE')[0]!.props['accountUpn']).toBe('x@contoso.com');
  });

  it('has a content-hash id: 22 base64url characters, equal for equal records whatever the key order', () => {
    const a = prepared({ TimeGenerated: T0, AccountUPN: 'a@b.c', AssignedRoles: [] }, 'IdentityInfo');
    const b = prepared({ AssignedRoles: [], AccountUPN: 'a@b.c', TimeGenerated: T0 }, 'IdentityInfo');
    const c = prepared({ TimeGenerated: T0, AccountUPN: 'a@b.c', AssignedRoles: ['x'] }, 'IdentityInfo');
    expect(a.eventId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(b.eventId).toBe(a.eventId);
    expect(c.eventId).not.toBe(a.eventId);
    expect(hashEventId('IdentityInfo', { x: 1 })).not.toBe(hashEventId('SigninLogs', { x: 1 }));
  });
});

describe('SecurityAlert', () => {
  const entities = [
    { $id: '1', Name: 'Frank', UPNSuffix: 'Contoso.com', AadUserId: 'F-1', Type: 'account' },
    { $id: '2', Name: 'grace', Type: 'account' },
    { $id: '3', AadUserId: 'HEIDI-ID', Type: 'account' },
    { $id: '4', Address: '203.0.113.7', Type: 'ip' },
    { $id: '5', HostName: 'ws-1', AadDeviceId: 'AAD-DEV', Type: 'host', LastIpAddress: { $id: '6', Address: '10.9.9.9', Type: 'ip' } },
    { $ref: '1' },
    { $id: '7', Url: 'http://x', Type: 'url' },
  ];
  const rec = {
    TimeGenerated: '2026-05-01 09:00:00.123456+00:00',
    SystemAlertId: 'SA-1',
    AlertName: 'Unfamiliar sign-in properties',
    AlertSeverity: 'Medium',
    ProviderName: 'IPC',
    CompromisedEntity: 'frank@contoso.com',
    Entities: JSON.stringify(entities),
  };

  it('emits ALERTED to top-level account, ip and host entities only', () => {
    const p = prepared(rec, 'SecurityAlert');
    expect(p.time).toBe(Date.UTC(2026, 4, 1, 9, 0, 0, 123));
    checkVocabulary(p.facts);
    const al = edges(p.facts, 'ALERTED');
    expect(al.map((e) => [e.to.kind, e.to.key, e.props['account'], e.props['entityType']])).toEqual([
      ['User', 'frank@contoso.com', 'frank@contoso.com', 'account'],
      ['User', 'grace', 'grace', 'account'],
      ['User', 'heidi-id', null, 'account'],
      ['IP', '203.0.113.7', null, 'ip'],
      ['Device', 'aad-dev', null, 'host'],
    ]);
    expect(al.every((e) => e.from.kind === 'Alert' && e.from.key === 'SA-1')).toBe(true);
    expect(al[0]!.props).toMatchObject({ alertName: 'Unfamiliar sign-in properties', severity: 'Medium', provider: 'IPC', compromisedEntity: 'frank@contoso.com', systemAlertId: 'SA-1' });
    expect(node(p.facts, 'Alert', 'SA-1')!.props).toMatchObject({ alertName: 'Unfamiliar sign-in properties' });
  });

  it('accepts Entities as an array and rejects Entities that are not JSON', () => {
    expect(edges(prepared({ ...rec, Entities: entities }, 'SecurityAlert').facts, 'ALERTED')).toHaveLength(5);
    expect(rejected({ ...rec, Entities: '[{"Type":' }, 'SecurityAlert').path).toBe('Entities');
  });
});

describe('prepareRecord', () => {
  it('rejects a record with no table', () => {
    expect(rejected({ TimeGenerated: T0 })).toMatchObject({ kind: 'rejected', path: 'Type', message: 'unknown table: give --table or a Type column' });
  });
});

describe('parseTimestamp', () => {
  it('reads ISO 8601 variants and the portal format to the millisecond', () => {
    expect(parseTimestamp('2021-08-02T13:11:39.7724491Z')).toBe(Date.UTC(2021, 7, 2, 13, 11, 39, 772));
    expect(parseTimestamp('2024-07-04 22:35:00.746663+00:00')).toBe(Date.UTC(2024, 6, 4, 22, 35, 0, 746));
    expect(parseTimestamp('2024-07-04T22:35:00+02:00')).toBe(Date.UTC(2024, 6, 4, 20, 35, 0, 0));
    expect(parseTimestamp('2024-07-04T22:35:00')).toBe(Date.UTC(2024, 6, 4, 22, 35, 0, 0));
    expect(parseTimestamp('12/31/2021, 12:00:00.000 AM')).toBe(Date.UTC(2021, 11, 31, 0, 0, 0, 0));
    expect(parseTimestamp('12/31/2021, 12:30:00 PM')).toBe(Date.UTC(2021, 11, 31, 12, 30, 0, 0));
    expect(parseTimestamp('')).toBeNull();
    expect(parseTimestamp(null)).toBeNull();
    expect(parseTimestamp('13/01/2021, 1:00:00 PM')).toBeNaN();
    expect(parseTimestamp('not a time')).toBeNaN();
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[{"c":2,"d":1}]}');
  });
});
