/**
 * MFA fatigue: with a stolen password the attacker pushes sign-in after
 * sign-in; the user declines nine prompts (500121 "Authentication failed
 * during strong authentication request") in about twenty minutes, then
 * approves one, and the attacker is in.
 */
import { signInEvent } from '../events.js';
import { ATTACKER_PLACES, APPS, CLIENTS, RESULTS } from '../reference-data.js';
import { HOUR, MINUTE, SECOND } from '../time.js';
import type { Cast } from './cast.js';
import { lower, storySignIn, StoryPlan, type PlannedStory, type StoryContext } from './story.js';

export const FATIGUE_IP = '102.89.45.201';

export function mfaFatigue(ctx: StoryContext, cast: Cast): PlannedStory {
  const { rng } = ctx;
  const victim = cast.fatigueVictim;
  const ip = FATIGUE_IP;
  const place = ATTACKER_PLACES.lagos;
  const client = CLIENTS.chromeWindows;
  const t0 = ctx.day(4) + 13 * HOUR + 7 * MINUTE + 44 * SECOND + 5;
  const plan = new StoryPlan();
  const prompts = 9;
  let t = t0;
  for (let k = 0; k < prompts; k++) {
    plan.add(
      'SigninLogs',
      signInEvent(storySignIn(rng, { user: victim, time: t, ip, place, app: APPS.officeHome, result: RESULTS.mfaDenied, client }), { interactive: true, mirror: true }),
      k === 0 ? `${prompts} MFA prompts denied (500121) in about twenty minutes` : undefined,
    );
    t += rng.int(110, 160) * SECOND;
  }
  plan.add(
    'SigninLogs',
    signInEvent(storySignIn(rng, { user: victim, time: t + 40 * SECOND, ip, place, app: APPS.officeHome, result: RESULTS.ok, client }), { interactive: true, mirror: true }),
    'the user approves a prompt: success from the same IP',
  );
  return plan.finish({
    id: 'mfa-fatigue',
    kind: 'attack',
    title: 'MFA fatigue: many denied MFA prompts, then an approval',
    account: lower(victim),
    attackerIps: [ip],
    expect: [{ detector: 'mfa-fatigue', where: { UserPrincipalName: lower(victim), IPAddress: ip } }],
    mustNotMatch: [{ detector: 'privileged-account-failed-mfa', where: { AccountUPN: lower(victim) }, why: 'the user holds no admin role' }],
  });
}
