/**
 * A successful sign-in from a country the user never signed in from, and an
 * hour later, from the same IP, the default MFA method is switched to a phone
 * number: the takeover keeps the user's methods but routes prompts to itself.
 */
import { securityInfoEvent, signInEvent } from '../events.js';
import { ATTACKER_PLACES, APPS, CLIENTS, RESULTS } from '../reference-data.js';
import { HOUR, MINUTE, SECOND } from '../time.js';
import type { Cast } from './cast.js';
import { lower, storySignIn, StoryPlan, type PlannedStory, type StoryContext } from './story.js';

export const NEW_COUNTRY_IP = '177.54.152.9';

export function newCountry(ctx: StoryContext, cast: Cast): PlannedStory {
  const { rng } = ctx;
  const victim = cast.newCountryVictim;
  const ip = NEW_COUNTRY_IP;
  const place = ATTACKER_PLACES.saoPaulo;
  const client = CLIENTS.chromeWindows;
  const t0 = ctx.day(5) + 16 * HOUR + 2 * MINUTE + 51 * SECOND + 999;
  const plan = new StoryPlan();
  plan.add(
    'SigninLogs',
    signInEvent(storySignIn(rng, { user: victim, time: t0, ip, place, app: APPS.officeHome, result: RESULTS.ok, client, risk: 'low', riskEventTypes: ['unfamiliarFeatures'] }), { interactive: true, mirror: true }),
    'successful sign-in from Brazil, a country the user never signed in from',
  );
  plan.add('SigninLogs', signInEvent(storySignIn(rng, { user: victim, time: t0 + HOUR + 9 * MINUTE, ip, place, app: APPS.mySignins, result: RESULTS.ok, client }), { interactive: true, mirror: true }));
  plan.add(
    'AuditLogs',
    securityInfoEvent({ time: t0 + HOUR + 12 * MINUTE + 3 * SECOND, operation: 'User changed default security info', initiator: { user: victim, ip }, target: victim, method: 'Phone', userAgent: client.userAgent }),
    'default security info changed to a phone, from the same IP, 1h12m later',
  );
  return plan.finish({
    id: 'new-country-then-mfa-change',
    kind: 'attack',
    title: 'Sign-in from a country the user never used, then a security-info change',
    account: lower(victim),
    attackerIps: [ip],
    expect: [
      { detector: 'new-country-then-mfa-change', where: { UserPrincipalName: lower(victim), Country: place.country, IPAddress: ip } },
      { detector: 'account-mfa-modifications', where: { InitiatorUPN: lower(victim), FromIP: ip } },
    ],
    mustNotMatch: [{ detector: 'mfa-registration-unseen-ip', where: { UserUpn: lower(victim) }, why: 'changing the default method is not a registration' }],
  });
}
