/**
 * Adversary-in-the-middle phishing of an admin. The proxy relays the admin's
 * sign-in to OfficeHome (Identity Protection grades it high risk) and keeps
 * the session; from the proxy's IP the attacker registers an authenticator
 * (an IP the admin never signed in from), joins a device within 2 hours,
 * trips "Unfamiliar sign-in properties", fails at the Azure Portal, then
 * makes another account Global Administrator and changes three other
 * accounts' MFA methods.
 */
import { alertEvent, deviceRegistrationEvents, roleAssignmentEvent, securityInfoEvent, signInEvent } from '../events.js';
import { ATTACKER_PLACES, APPS, CLIENTS, RESULTS } from '../reference-data.js';
import { roleIdsOf } from '../tenant.js';
import { HOUR, MINUTE, SECOND } from '../time.js';
import type { Cast } from './cast.js';
import { lower, storySignIn, StoryPlan, type PlannedStory, type StoryContext } from './story.js';

export const AITM_IP = '185.241.208.72';

export function aitmPhishing(ctx: StoryContext, cast: Cast): PlannedStory {
  const { rng } = ctx;
  const victim = cast.aitmVictim;
  const ip = AITM_IP;
  const place = ATTACKER_PLACES.amsterdam;
  const client = CLIENTS.aitmProxy;
  const t0 = ctx.day(2) + 9 * HOUR + 17 * MINUTE + 23 * SECOND + 456;
  const session = rng.uuid();
  const plan = new StoryPlan();
  const signIn = (time: number, app: (typeof APPS)[keyof typeof APPS], result = RESULTS.ok, extra: { risk?: 'high'; interactive?: boolean; mirror?: boolean } = {}) =>
    signInEvent(
      storySignIn(rng, { user: victim, time, ip, place, app, result, client, sessionId: session, risk: extra.risk ?? 'none', riskEventTypes: extra.risk ? ['unfamiliarFeatures', 'anomalousToken'] : [] }),
      { interactive: extra.interactive ?? true, mirror: extra.mirror ?? true },
    );

  const office = victim.ips[0]!;
  plan.add(
    'SigninLogs',
    signInEvent(
      storySignIn(rng, { user: victim, time: t0 - 26 * MINUTE, ip: office.ip, place: office.place, app: APPS.exchange, result: RESULTS.ok, client: victim.devices[0]!.client, device: victim.devices[0]!, trusted: true }),
      { interactive: true, mirror: true },
    ),
    'the admin reads mail as usual from the office (where the phishing link waits)',
  );
  plan.add('EntraIdSignInEvents', signIn(t0 - 38 * SECOND - 211, APPS.officeHome, RESULTS.keepMeSignedIn, { risk: 'high' }), 'the admin enters credentials on the phishing page; the proxy relays them to OfficeHome (first row of the high-risk session: the "Keep me signed in" interrupt, 50140)');
  plan.add('EntraIdSignInEvents', signIn(t0, APPS.officeHome, RESULTS.ok, { risk: 'high' }), 'high-risk sign-in to OfficeHome relayed by the AiTM proxy (EntraIdSignInEvents risk 100, also in SigninLogs from NL, a country the admin never used)');
  plan.add('EntraIdSignInEvents', signIn(t0 + 3 * MINUTE + 911, APPS.exchange, RESULTS.ok, { risk: 'high', interactive: false }), 'the stolen session replayed against Exchange Online (risk 100, same SessionId)');
  plan.add('SigninLogs', signIn(t0 + 21 * MINUTE + 40 * SECOND, APPS.mySignins), 'sign-in to My Signins from the proxy IP');
  const initiator = { user: victim, ip };
  plan.add(
    'AuditLogs',
    securityInfoEvent({ time: t0 + 24 * MINUTE + 12 * SECOND + 77, operation: 'User registered security info', initiator, target: victim, method: 'Microsoft Authenticator App', userAgent: client.userAgent }),
    'MFA method registered from the proxy IP, which the admin never signed in from',
  );
  const deviceAt = t0 + HOUR + 52 * MINUTE + 8 * SECOND + 310;
  plan.add('AADNonInteractiveUserSignInLogs', signIn(deviceAt - 45 * SECOND, APPS.broker, RESULTS.ok, { interactive: false, mirror: true }));
  plan.add(
    'CloudAppEvents',
    deviceRegistrationEvents({ time: deviceAt, owner: victim, deviceObjectId: rng.uuid(), deviceName: 'WIN-8R3KD7PQ2L', os: 'Windows', ip, place }),
    'device joined to Entra ID with the admin as owner, 1h52m after the risky sign-in',
  );
  plan.add(
    'SecurityAlert',
    alertEvent({
      time: t0 + 3 * HOUR + 5 * MINUTE,
      name: 'Unfamiliar sign-in properties',
      type: 'UnfamiliarLocation',
      provider: 'IPC',
      product: 'Azure Active Directory Identity Protection',
      severity: 'Medium',
      description: 'The following properties of this sign-in are unfamiliar for the given user: ASN, Browser, Device, IP, Location',
      user: victim,
      ip,
      place,
      namedAccount: true,
      userAgent: client.userAgent,
    }),
    'Identity Protection alert "Unfamiliar sign-in properties" naming the admin',
  );
  for (const [k, at] of [3 * HOUR + 40 * MINUTE, 3 * HOUR + 41 * MINUTE + 12 * SECOND, 3 * HOUR + 43 * MINUTE + 2 * SECOND].entries()) {
    plan.add('SigninLogs', signIn(t0 + at, APPS.azurePortal, RESULTS.badPassword), k === 0 ? 'three failed Azure Portal sign-ins (50126) from the proxy IP' : undefined);
  }
  plan.add('SigninLogs', signIn(t0 + 4 * HOUR + 2 * MINUTE, APPS.azurePortal), 'Azure Portal sign-in succeeds with the stolen session');
  const role = 'Global Administrator';
  plan.add(
    'AuditLogs',
    roleAssignmentEvent({ time: t0 + 4 * HOUR + 10 * MINUTE + 31 * SECOND, initiator, target: cast.aitmRoleTarget, role, ...roleIdsOf(ctx.tenant, role), userAgent: client.userAgent }),
    `the admin adds ${cast.aitmRoleTarget.upn} to Global Administrator`,
  );
  cast.aitmMfaTargets.forEach((target, k) => {
    plan.add(
      'AuditLogs',
      securityInfoEvent({ time: t0 + 4 * HOUR + (25 + 3 * k) * MINUTE + 9 * SECOND, operation: 'Admin registered security info', initiator, target, method: 'Phone', userAgent: client.userAgent }),
      k === 0 ? `the admin registers a phone method on ${cast.aitmMfaTargets.length} other accounts` : undefined,
    );
  });
  plan.add(
    'AuditLogs',
    securityInfoEvent({ time: t0 + 4 * HOUR + 40 * MINUTE, operation: 'Admin updated security info', initiator, target: cast.aitmMfaTargets[0]!, method: 'Phone', userAgent: client.userAgent }),
  );
  return plan.finish({
    id: 'aitm-phishing',
    kind: 'attack',
    title: 'AiTM phishing of an admin: risky session, MFA registered from the proxy IP, device joined, alert, failed portal sign-ins, role granted, other accounts\' MFA changed',
    account: lower(victim),
    attackerIps: [ip],
    expect: [
      { detector: 'mfa-registration-unseen-ip', where: { UserUpn: lower(victim), RegIp: ip } },
      { detector: 'account-mfa-modifications', where: { InitiatorUPN: lower(victim), FromIP: ip } },
      { detector: 'risky-signin-device-registration', where: { AccountObjectId: victim.objectId, IPAddress: ip, Application: 'OfficeHome' } },
      { detector: 'risky-signin-device-registration', where: { AccountObjectId: victim.objectId, IPAddress: ip, Application: 'Office 365 Exchange Online' } },
      { detector: 'unfamiliar-signin-portal-role-change', where: { AccountCustomEntity: lower(victim), IPAddress: ip } },
      { detector: 'new-country-then-mfa-change', where: { UserPrincipalName: lower(victim), Country: place.country } },
    ],
    mustNotMatch: [],
  });
}
