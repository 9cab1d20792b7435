/**
 * Password spray from one IP against a dozen accounts, admins among them, in
 * the small hours: wrong passwords (50126) everywhere except one admin, whose
 * password is right but who then fails the second factor (50074, then 500121
 * on a token request). Forty minutes later the same IP signs in to that admin
 * through a client the MFA policy does not cover.
 */
import { signInEvent } from '../events.js';
import { ATTACKER_PLACES, APPS, CLIENTS, RESULTS } from '../reference-data.js';
import { HOUR, MINUTE, SECOND } from '../time.js';
import type { Cast } from './cast.js';
import { lower, storySignIn, StoryPlan, type PlannedStory, type StoryContext } from './story.js';

export const SPRAY_IP = '193.142.146.18';

export function passwordSpray(ctx: StoryContext, cast: Cast): PlannedStory {
  const { rng } = ctx;
  const ip = SPRAY_IP;
  const place = ATTACKER_PLACES.moscow;
  const client = CLIENTS.sprayTool;
  const app = APPS.aadPowerShell;
  const victim = cast.sprayVictim;
  const t0 = ctx.day(3) + 2 * HOUR + 13 * MINUTE + 7 * SECOND + 120;
  const plan = new StoryPlan();
  const targets = [...cast.sprayTargets];
  // The victim is tried in the middle of the run.
  targets.splice(Math.floor(targets.length / 2), 0, victim);
  let t = t0;
  targets.forEach((u, k) => {
    const result = u === victim ? RESULTS.strongAuthRequired : RESULTS.badPassword;
    plan.add(
      'SigninLogs',
      signInEvent(storySignIn(rng, { user: u, time: t, ip, place, app, result, client }), { interactive: true, mirror: true }),
      k === 0 ? `password spray: ${targets.length - 1} accounts fail with 50126 within ${Math.round((targets.length * 47) / 60)} minutes` : u === victim ? 'the admin\'s password is right; MFA required (50074)' : undefined,
    );
    t += rng.int(35, 59) * SECOND;
  });
  plan.add(
    'AADNonInteractiveUserSignInLogs',
    signInEvent(storySignIn(rng, { user: victim, time: t + 2 * MINUTE, ip, place, app, result: RESULTS.mfaDenied, client }), { interactive: false, mirror: true }),
    'the second factor fails (500121) on a token request',
  );
  plan.add(
    'SigninLogs',
    signInEvent(storySignIn(rng, { user: victim, time: t0 + 47 * MINUTE + 31 * SECOND, ip, place, app: APPS.exchange, result: RESULTS.okSingleFactor, client: CLIENTS.sprayTool }), { interactive: true, mirror: true }),
    'success for the admin from the spraying IP (single factor, a client the MFA policy misses)',
  );
  return plan.finish({
    id: 'password-spray-admins',
    kind: 'attack',
    title: 'Password spray against admins from one IP, failed MFA on one admin, then a success from the same IP',
    account: lower(victim),
    attackerIps: [ip],
    expect: [
      { detector: 'password-spray-then-success', where: { UserPrincipalName: lower(victim), IPAddress: ip } },
      { detector: 'privileged-account-failed-mfa', where: { AccountUPN: lower(victim), IPAddress: ip, ResultType: '50074' } },
      { detector: 'privileged-account-failed-mfa', where: { AccountUPN: lower(victim), IPAddress: ip, ResultType: '500121' } },
    ],
    mustNotMatch: [
      { detector: 'mfa-fatigue', where: { UserPrincipalName: lower(victim) }, why: 'one denied prompt is not a burst of five' },
      { detector: 'new-country-then-mfa-change', where: { UserPrincipalName: lower(victim) }, why: 'a new country, but no security-info change follows' },
    ],
  });
}
