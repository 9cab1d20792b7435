/**
 * Near misses: events that look like the attacks but fall just outside a
 * hunt's definition (hunts.md), so a detector that reports them is wrong.
 * Each is its own story with `mustNotMatch` and no `expect`.
 */
import { alertEvent, deviceRegistrationEvents, roleAssignmentEvent, securityInfoEvent, signInEvent, type TenantEvent } from '../events.js';
import type { SignIn } from '../records/sign-in.js';
import { APPS, RESULTS } from '../reference-data.js';
import { roleIdsOf, type SimUser, type UsualIp } from '../tenant.js';
import { DAY, HOUR, MINUTE, SECOND } from '../time.js';
import type { Cast } from './cast.js';
import { lower, storySignIn, StoryPlan, type PlannedStory, type StoryContext } from './story.js';

/** A successful sign-in of the user from one of their usual networks. */
function usual(ctx: StoryContext, u: SimUser, ip: UsualIp, time: number, app: SignIn['app'], extra: Partial<SignIn> = {}): TenantEvent {
  const device = ip.kind === 'mobile' ? (u.devices[1] ?? u.devices[0]!) : u.devices[0]!;
  return signInEvent(
    { ...storySignIn(ctx.rng, { user: u, time, ip: ip.ip, place: ip.place, app, result: RESULTS.ok, client: device.client, device, trusted: ip.kind === 'office' }), ...extra },
    { interactive: true, mirror: true },
  );
}

/** MFA method registered from the user's office IP, which their sign-in history holds: not an unseen IP. */
export function registrationFromUsualIp(ctx: StoryContext, cast: Cast): PlannedStory {
  const u = cast.usualIpRegistrant;
  const office = u.ips[0]!;
  const t = ctx.day(6) + 15 * HOUR + 20 * MINUTE + 10 * SECOND;
  const plan = new StoryPlan();
  plan.add('SigninLogs', usual(ctx, u, office, t - 3 * DAY - 2 * HOUR, APPS.officeHome), 'successful sign-ins from the office IP 3 and 2 days before');
  plan.add('SigninLogs', usual(ctx, u, office, t - 2 * DAY - HOUR, APPS.teams));
  plan.add('SigninLogs', usual(ctx, u, office, t - 4 * MINUTE, APPS.mySignins));
  const initiator = { user: u, ip: office.ip };
  plan.add(
    'AuditLogs',
    securityInfoEvent({ time: t, operation: 'User registered security info', initiator, target: u, method: 'FIDO2 security key', userAgent: u.devices[0]!.client.userAgent }),
    'a FIDO2 key registered from the office IP',
  );
  return plan.finish({
    id: 'near-miss-registration-usual-ip',
    kind: 'near-miss',
    title: 'MFA method registered from the user\'s usual office IP',
    account: lower(u),
    attackerIps: [],
    expect: [{ detector: 'account-mfa-modifications', where: { InitiatorUPN: lower(u), FromIP: office.ip } }],
    mustNotMatch: [{ detector: 'mfa-registration-unseen-ip', where: { UserUpn: lower(u), RegIp: office.ip }, why: 'the IP is in the user\'s 30-day sign-in baseline' }],
  });
}

/** A medium-risk OfficeHome session, and a device registered 7 hours later: outside the 6h window. */
export function deviceSevenHoursLater(ctx: StoryContext, cast: Cast): PlannedStory {
  const u = cast.lateDeviceOwner;
  const home = u.ips[1] ?? u.ips[0]!;
  const t = ctx.day(3) + 11 * HOUR + 5 * MINUTE + 500;
  const plan = new StoryPlan();
  plan.add('EntraIdSignInEvents', usual(ctx, u, home, t, APPS.officeHome, { risk: 'medium', riskEventTypes: ['unfamiliarFeatures'] }), 'medium-risk (50) OfficeHome sign-in from the user\'s own network');
  plan.add(
    'CloudAppEvents',
    deviceRegistrationEvents({ time: t + 7 * HOUR, owner: u, deviceObjectId: ctx.rng.uuid(), deviceName: `${u.givenName}s-Surface`, os: 'Windows', ip: u.ips[0]!.ip, place: u.ips[0]!.place }),
    'device registered 7 hours later',
  );
  return plan.finish({
    id: 'near-miss-device-7h-after-risk',
    kind: 'near-miss',
    title: 'Device registered 7 hours after a medium-risk sign-in (the window is 6 hours)',
    account: lower(u),
    attackerIps: [],
    expect: [],
    mustNotMatch: [{ detector: 'risky-signin-device-registration', where: { AccountObjectId: u.objectId }, why: '7h is not < 6h' }],
  });
}

/** A device registered an hour before a high-risk session: the sign-in does not precede it. */
export function deviceBeforeRisk(ctx: StoryContext, cast: Cast): PlannedStory {
  const u = cast.earlyDeviceOwner;
  const office = u.ips[0]!;
  const t = ctx.day(4) + 16 * HOUR + 45 * MINUTE;
  const plan = new StoryPlan();
  plan.add(
    'CloudAppEvents',
    deviceRegistrationEvents({ time: t - HOUR, owner: u, deviceObjectId: ctx.rng.uuid(), deviceName: `${u.givenName}s-Laptop`, os: 'Windows', ip: office.ip, place: office.place }),
    'device registered first',
  );
  plan.add('EntraIdSignInEvents', usual(ctx, u, office, t, APPS.exchange, { risk: 'high', riskEventTypes: ['leakedCredentials'] }), 'an hour later, a high-risk (100) Exchange Online sign-in');
  return plan.finish({
    id: 'near-miss-device-before-risk',
    kind: 'near-miss',
    title: 'Device registered one hour before a high-risk sign-in (the sign-in must come first)',
    account: lower(u),
    attackerIps: [],
    expect: [],
    mustNotMatch: [{ detector: 'risky-signin-device-registration', where: { AccountObjectId: u.objectId }, why: 'the registration precedes the risky sign-in' }],
  });
}

/** An admin fails Azure Portal sign-ins and assigns a role, but the "Unfamiliar sign-in properties" alert names someone else. */
export function alertOnOtherAccount(ctx: StoryContext, cast: Cast): PlannedStory {
  const admin = cast.portalAdminNotAlerted;
  const other = cast.alertedOther;
  const office = admin.ips[0]!;
  const t = ctx.day(1) + 14 * HOUR + 33 * MINUTE;
  const plan = new StoryPlan();
  const fail = (time: number): TenantEvent =>
    signInEvent(
      storySignIn(ctx.rng, { user: admin, time, ip: office.ip, place: office.place, app: APPS.azurePortal, result: RESULTS.badPassword, client: admin.devices[0]!.client, device: admin.devices[0]!, trusted: true }),
      { interactive: true, mirror: true },
    );
  plan.add('SigninLogs', fail(t), 'the admin mistypes the password at the Azure Portal twice (50126)');
  plan.add('SigninLogs', fail(t + 40 * SECOND));
  plan.add('SigninLogs', usual(ctx, admin, office, t + 2 * MINUTE, APPS.azurePortal));
  const role = 'Reports Reader';
  plan.add(
    'AuditLogs',
    roleAssignmentEvent({ time: t + 20 * MINUTE, initiator: { user: admin, ip: office.ip }, target: cast.aitmMfaTargets[2]!, role, ...roleIdsOf(ctx.tenant, role), userAgent: admin.devices[0]!.client.userAgent }),
    'the admin adds a user to Reports Reader',
  );
  const home = other.ips[1] ?? other.ips[0]!;
  plan.add(
    'SecurityAlert',
    alertEvent({
      time: t + HOUR,
      name: 'Unfamiliar sign-in properties',
      type: 'UnfamiliarLocation',
      provider: 'IPC',
      product: 'Azure Active Directory Identity Protection',
      severity: 'Low',
      description: 'The following properties of this sign-in are unfamiliar for the given user: Browser, Device',
      user: other,
      ip: home.ip,
      place: home.place,
      namedAccount: true,
      userAgent: other.devices[0]!.client.userAgent,
    }),
    `"Unfamiliar sign-in properties" alert naming ${other.upn}, not the admin`,
  );
  return plan.finish({
    id: 'near-miss-alert-other-account',
    kind: 'near-miss',
    title: 'Failed portal sign-ins and a role assignment by one account, the unfamiliar-sign-in alert on another',
    account: lower(admin),
    attackerIps: [],
    expect: [],
    mustNotMatch: [
      { detector: 'unfamiliar-signin-portal-role-change', where: { AccountCustomEntity: lower(admin) }, why: 'the admin is not the alerted account' },
      { detector: 'unfamiliar-signin-portal-role-change', where: { AccountCustomEntity: lower(other) }, why: 'the alerted account has no failed portal sign-in and made no role change' },
    ],
  });
}

/** A Security Reader fails MFA: "Reader" roles hold no "admin", so the account is not privileged. */
export function readerFailsMfa(ctx: StoryContext, cast: Cast): PlannedStory {
  const u = cast.reader;
  const ip = u.ips[0]!;
  const t = ctx.day(5) + 10 * HOUR + 12 * MINUTE;
  const plan = new StoryPlan();
  const attempt = (time: number, result: SignIn['result']): TenantEvent =>
    signInEvent(storySignIn(ctx.rng, { user: u, time, ip: ip.ip, place: ip.place, app: APPS.azurePortal, result, client: u.devices[0]!.client, device: u.devices[0]! }), { interactive: true, mirror: true });
  plan.add('SigninLogs', attempt(t, RESULTS.mfaRequiredMoved), 'the Security Reader is asked for MFA (50076) and fails it (500121)');
  plan.add('SigninLogs', attempt(t + 50 * SECOND, RESULTS.mfaDenied));
  return plan.finish({
    id: 'near-miss-reader-failed-mfa',
    kind: 'near-miss',
    title: 'A Security Reader fails MFA (the role does not contain "admin")',
    account: lower(u),
    attackerIps: [],
    expect: [],
    mustNotMatch: [{ detector: 'privileged-account-failed-mfa', where: { AccountUPN: lower(u) }, why: '"Security Reader" does not contain "admin"' }],
  });
}

/** An admin's sign-in fails with a description saying "multifactor" as one word and a code outside hunt 5's list. */
export function multifactorOneWord(ctx: StoryContext, cast: Cast): PlannedStory {
  const u = cast.multifactorAdmin;
  const ip = u.ips[0]!;
  const t = ctx.day(2) + 17 * HOUR + 48 * MINUTE + 2 * SECOND;
  const plan = new StoryPlan();
  plan.add(
    'SigninLogs',
    signInEvent(storySignIn(ctx.rng, { user: u, time: t, ip: ip.ip, place: ip.place, app: APPS.exchange, result: RESULTS.externalChallenge, client: u.devices[0]!.client, device: u.devices[0]! }), {
      interactive: true,
      mirror: true,
    }),
    'an admin sign-in fails with 50158, its description says "multifactor" (one word)',
  );
  return plan.finish({
    id: 'near-miss-multifactor-one-word',
    kind: 'near-miss',
    title: 'Admin sign-in failure whose description says "multifactor" (not the phrase "multi-factor") with a code outside the list',
    account: lower(u),
    attackerIps: [],
    expect: [],
    mustNotMatch: [{ detector: 'privileged-account-failed-mfa', where: { AccountUPN: lower(u), ResultType: RESULTS.externalChallenge.code }, why: '"multifactor" is one term, and 50158 is not in the list' }],
  });
}
