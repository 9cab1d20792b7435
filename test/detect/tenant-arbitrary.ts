/**
 * fast-check arbitraries for small random tenants as graph facts: a few users,
 * IPs and devices; sign-ins with random tables, result types (as text and as
 * numbers), risks, apps, sessions and countries; MFA changes, device
 * registrations, role holdings, alerts and role changes. Values are drawn from
 * small pools (with case variants and empties) so that the detectors' joins,
 * windows and thresholds are actually hit.
 */
import fc from 'fast-check';
import type { EventFacts, NodeFact, NodeRef } from '../../src/graph/facts.js';
import { canonicalIp } from '../../src/graph/node-keys.js';
import type { EdgeKind, Scalar } from '../../src/graph/schema.js';

export const BASE = Date.parse('2026-10-01T00:00:00Z');
const HOUR = 3_600_000;
const UPNS = ['ann@contoso.com', 'bo@contoso.com', 'cy@fabrikam.com'];
const IPS = ['10.0.0.1', '10.0.0.2', '203.0.113.9', '2001:db8::1'];
const upnVariant = (upn: string, v: number): string => (v === 1 ? upn.toUpperCase() : v === 2 ? upn[0]!.toUpperCase() + upn.slice(1) : upn);
const oidOf = (upn: string): string => `oid-${upn.split('@')[0]}`;

/**
 * Times on a coarse grid (half hours) around BASE, some a millisecond off, so
 * equal times and exact window edges (1h, 6h, 1d) happen often; a few weeks
 * back so hunt 1's baseline and the new-country lookback see history.
 */
const timeArb = fc
  .tuple(fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 36 }) }, { weight: 1, arbitrary: fc.integer({ min: -40 * 48, max: 0 }) }), fc.constantFrom(0, 0, 0, -1, 1))
  .map(([half, jitter]) => BASE + (half * HOUR) / 2 + jitter);

const userRef = (upn: string): NodeRef => ({ kind: 'User', key: upn.toLowerCase() });
/** Whether user nodes carry their object id as an alias (set per tenant; entity resolution merges on it). */
let withAliases = false;
const nodeFact = (n: NodeRef): NodeFact => {
  if (!withAliases || n.kind !== 'User' || n.key.startsWith('oid-')) return n;
  const base = UPNS.find((u) => u === n.key);
  return base ? { ...n, aliases: [oidOf(base)] } : n;
};

function facts(kind: EdgeKind, from: NodeRef, to: NodeRef, time: number, props: Record<string, Scalar>, table: string): Omit<EventFacts, 'eventId'> & { edge: { kind: EdgeKind; from: NodeRef; to: NodeRef; time: number; props: Record<string, Scalar> } } {
  return { table, time, nodes: [from, to], edges: [], edge: { kind, from, to, time, props } };
}

type Draft = ReturnType<typeof facts>;

const signInArb: fc.Arbitrary<Draft> = fc
  .record({
    u: fc.nat(UPNS.length - 1),
    v: fc.nat(2),
    byOid: fc.boolean(),
    ip: fc.nat(IPS.length - 1),
    time: timeArb,
    table: fc.constantFrom('SigninLogs', 'SigninLogs', 'AADNonInteractiveUserSignInLogs', 'EntraIdSignInEvents'),
    resultType: fc.constantFrom<Scalar>("0", 0, "0", "50126", 50126, "500121", 500121, "50074", "53003"),
    resultDescription: fc.constantFrom<Scalar>('', null, 'MFA denied; user declined', 'Strong authentication is required (multi factor).', 'second-factor missing', 'multifactor', 'MFAX', 'Invalid username or password'),
    app: fc.constantFrom<Scalar>('Azure Portal', 'azure portal', 'OfficeHome', 'Office 365 Exchange Online', 'Teams'),
    risk: fc.constantFrom<Scalar>(50, '50', 100, 0, 'none', null),
    session: fc.constantFrom<Scalar>('s1', 's2', ''),
    location: fc.constantFrom<Scalar>('US', 'FR', 'fr', ''),
  })
  .map((r) => {
    const upn = upnVariant(UPNS[r.u]!, r.v);
    const addr = IPS[r.ip]!;
    // Defender sign-ins sometimes name the account by object id only (no UPN): a node keyed by the id.
    const oidOnly = r.byOid && r.table === 'EntraIdSignInEvents';
    const from: NodeRef = oidOnly ? { kind: 'User', key: oidOf(UPNS[r.u]!) } : userRef(upn);
    return facts('SIGNED_IN', from, { kind: 'IP', key: canonicalIp(addr) }, r.time, {
      table: r.table,
      upn: oidOnly ? '' : upn,
      userId: oidOf(UPNS[r.u]!),
      ip: addr,
      app: r.app,
      resultType: r.resultType,
      resultDescription: r.resultDescription,
      risk: r.risk,
      sessionId: r.session,
      location: r.location,
      city: r.location === '' ? '' : 'Town',
      statusCode: String(r.resultType),
      statusDetails: r.resultType === '50126' ? 'bad password' : '',
    }, r.table);
  });

const OPERATIONS = ['User registered security info', 'User changed default security info', 'Admin deleted security info', 'User registered all required security info', 'Update user'];

const securityInfoArb: fc.Arbitrary<Draft> = fc
  .record({
    u: fc.nat(UPNS.length - 1),
    v: fc.nat(2),
    by: fc.nat(UPNS.length), // UPNS.length: initiated with no user (empty initiator)
    ip: fc.nat(IPS.length), // IPS.length: empty IP
    time: timeArb,
    op: fc.constantFrom(...OPERATIONS),
    result: fc.constantFrom('success', 'Success', 'failure'),
    category: fc.constantFrom('UserManagement', 'usermanagement', 'Policy'),
    method: fc.constantFrom('Authenticator App', 'Phone'),
  })
  .map((r) => {
    const upn = upnVariant(UPNS[r.u]!, r.v);
    const initiator = r.by < UPNS.length ? UPNS[r.by]! : '';
    return facts('SECURITY_INFO', userRef(upn), { kind: 'MfaMethod', key: `${upn.toLowerCase()}|${r.method.toLowerCase()}` }, r.time, {
      operationName: r.op,
      category: r.category,
      result: r.result,
      initiatorId: initiator ? oidOf(initiator) : '',
      initiatorUpn: initiator,
      ip: r.ip < IPS.length ? IPS[r.ip]! : null,
      targetUpn: upn,
      targetId: oidOf(UPNS[r.u]!),
      methodType: r.method,
      correlationId: `c-${r.time}`,
    }, 'AuditLogs');
  });

const deviceArb: fc.Arbitrary<Draft> = fc
  .record({ u: fc.nat(UPNS.length - 1), dev: fc.nat(2), time: timeArb, service: fc.constantFrom('Device Registration Service', 'device registration service', 'Other') })
  .map((r) => {
    const upn = UPNS[r.u]!;
    return facts('DEVICE_OWNER', userRef(upn), { kind: 'Device', key: `dev-${r.dev}` }, r.time, {
      table: 'CloudAppEvents',
      actionType: 'Add registered owner to device.',
      accountDisplayName: r.service,
      reportId: `r-${r.time}`,
      accountUpn: upn,
      accountObjectId: oidOf(upn),
      deviceObjectId: `dev-${r.dev}`,
      deviceDisplayName: `DESKTOP-${r.dev}`,
    }, 'CloudAppEvents');
  });

const roleArb: fc.Arbitrary<Draft> = fc
  .record({ u: fc.nat(UPNS.length - 1), v: fc.nat(2), role: fc.constantFrom('Global Administrator', 'User Administrator', 'Reader'), time: timeArb })
  .map((r) => {
    const upn = upnVariant(UPNS[r.u]!, r.v);
    return facts('HAS_ROLE', userRef(upn), { kind: 'Role', key: r.role.toLowerCase() }, r.time, { role: r.role, accountUpn: upn }, 'IdentityInfo');
  });

const alertArb: fc.Arbitrary<Draft> = fc
  .record({ u: fc.nat(UPNS.length - 1), id: fc.nat(3), name: fc.constantFrom('Unfamiliar sign-in properties', 'unfamiliar sign-in properties', 'Impossible travel'), type: fc.constantFrom('account', 'Account'), time: timeArb })
  .map((r) => {
    const upn = UPNS[r.u]!;
    return facts('ALERTED', { kind: 'Alert', key: `alert-${r.id}` }, userRef(upn), r.time, {
      alertName: r.name,
      severity: 'Medium',
      entityType: r.type,
      account: upn,
      systemAlertId: `alert-${r.id}`,
    }, 'SecurityAlert');
  });

const roleChangeArb: fc.Arbitrary<Draft> = fc
  .record({ u: fc.nat(UPNS.length - 1), target: fc.nat(UPNS.length - 1), op: fc.constantFrom('Add member to role', 'Add member to role in PIM requested (permanent)', 'Remove member from role', 'Add member to roles'), cat: fc.constantFrom('RoleManagement', 'rolemanagement', 'UserManagement'), time: timeArb })
  .map((r) => {
    const upn = UPNS[r.u]!;
    return facts('INITIATED_ROLE_CHANGE', userRef(upn), userRef(UPNS[r.target]!), r.time, {
      operationName: r.op,
      category: r.cat,
      result: 'success',
      initiator: upn,
      targetUpn: UPNS[r.target]!,
      correlationId: `rc-${r.time}`,
    }, 'AuditLogs');
  });

/** A draft moved to another time and given other props (scenarios tie random events together). */
function shape(d: Draft, time: number, props: Record<string, Scalar>, to?: NodeRef, from?: NodeRef): Draft {
  const edge = { ...d.edge, time, props: { ...d.edge.props, ...props }, to: to ?? d.edge.to, from: from ?? d.edge.from };
  return { ...d, time, nodes: [edge.from, edge.to], edge };
}

const QUARTER = HOUR / 4;
const ipRef = (addr: string): NodeRef => ({ kind: 'IP', key: canonicalIp(addr) });

/** Several denied MFA prompts around a success of the same user (MFA fatigue and its near misses). */
const fatigueArb: fc.Arbitrary<Draft[]> = fc
  .record({ ok: signInArb, denied: fc.array(fc.tuple(signInArb, fc.integer({ min: -1, max: 6 })), { minLength: 1, maxLength: 3 }) })
  .map(({ ok, denied }) => [
    shape(ok, ok.time, { resultType: '0', table: 'SigninLogs' }),
    ...denied.map(([d, q]) => shape(d, ok.time - q * QUARTER, { resultType: '500121', upn: ok.edge.props['upn']! }, undefined, ok.edge.from)),
  ]);

/** Failed passwords of several users from one IP, then a success from it (password spray and near misses). */
const sprayArb: fc.Arbitrary<Draft[]> = fc
  .record({ ok: signInArb, fails: fc.array(fc.tuple(signInArb, fc.integer({ min: -2, max: 30 })), { minLength: 1, maxLength: 3 }) })
  .map(({ ok, fails }) => [
    shape(ok, ok.time, { resultType: 0 }),
    ...fails.map(([f, h]) => shape(f, ok.time - h * HOUR, { resultType: '50126', ip: ok.edge.props['ip']! }, ipRef(String(ok.edge.props['ip'])))),
  ]);

/** An alert, a failed Azure Portal sign-in and a role change by the same account (hunt 4 and near misses). */
const portalArb: fc.Arbitrary<Draft[]> = fc
  .record({ alert: alertArb, fail: signInArb, change: roleChangeArb, app: fc.constantFrom('Azure Portal', 'Azure Portal', 'azure portal') })
  .map(({ alert, fail, change, app }) => {
    const upn = String(alert.edge.props['account']);
    return [
      alert,
      shape(fail, fail.time, { table: 'SigninLogs', resultType: '50126', upn, app }, undefined, userRef(upn)),
      shape(change, change.time, { initiator: upn }, undefined, userRef(upn)),
    ];
  });

/** A risky session, then a device registration of the same account some hours around it (hunt 3's 6h bound). */
const riskyArb: fc.Arbitrary<Draft[]> = fc
  .record({ s: signInArb, reg: deviceArb, half: fc.integer({ min: -2, max: 13 }), off: fc.constantFrom(0, -1, 1) })
  .map(({ s, reg, half, off }) => {
    const upn = String(reg.edge.props['accountUpn']);
    return [
      shape(s, s.time, { table: 'EntraIdSignInEvents', upn, userId: String(reg.edge.props['accountObjectId']), risk: s.edge.props['risk'] ?? 50 }, undefined, userRef(upn)),
      shape(reg, s.time + (half * HOUR) / 2 + off, {}),
    ];
  });

const draftArb: fc.Arbitrary<Draft[]> = fc.oneof(
  { weight: 6, arbitrary: signInArb.map((d) => [d]) },
  { weight: 2, arbitrary: securityInfoArb.map((d) => [d]) },
  { weight: 1, arbitrary: deviceArb.map((d) => [d]) },
  { weight: 1, arbitrary: roleArb.map((d) => [d]) },
  { weight: 1, arbitrary: alertArb.map((d) => [d]) },
  { weight: 1, arbitrary: roleChangeArb.map((d) => [d]) },
  { weight: 1, arbitrary: fatigueArb },
  { weight: 1, arbitrary: sprayArb },
  { weight: 1, arbitrary: portalArb },
  { weight: 1, arbitrary: riskyArb },
);

/** A random small tenant: a list of events (one edge occurrence each), event ids unique. */
export const tenantArb = (maxEvents = 40, aliases = false): fc.Arbitrary<EventFacts[]> =>
  fc.array(draftArb, { minLength: 1, maxLength: Math.max(1, Math.floor(maxEvents / 2)) }).map((groups) => {
    withAliases = aliases;
    return groups.flat().slice(0, maxEvents).map((d, i): EventFacts => {
      const eventId = `e${i}`;
      return { eventId, table: d.table, time: d.time, nodes: d.nodes.map(nodeFact), edges: [{ ...d.edge, eventId }] };
    });
  });

/**
 * A tenant with an arrival order whose delays stay within `lateness`: each event
 * arrives at its time plus a random delay below the lateness, so no event is
 * older than the newest seen minus the lateness when it arrives.
 */
export const tenantWithArrivalArb = (lateness: number, maxEvents = 40, aliases = false): fc.Arbitrary<{ events: EventFacts[]; order: number[] }> =>
  tenantArb(maxEvents, aliases).chain((events) =>
    fc.array(fc.integer({ min: 0, max: Math.max(0, lateness - 1) }), { minLength: events.length, maxLength: events.length }).map((delays) => ({
      events,
      order: events.map((_, i) => i).sort((a, b) => events[a]!.time + delays[a]! - (events[b]!.time + delays[b]!) || a - b),
    })),
  );
