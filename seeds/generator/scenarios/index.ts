/** Every story woven into a tenant, in the order scenario.json lists them. */
import { aitmPhishing } from './aitm-phishing.js';
import { chooseCast, type Cast } from './cast.js';
import { mfaFatigue } from './mfa-fatigue.js';
import { alertOnOtherAccount, deviceBeforeRisk, deviceSevenHoursLater, multifactorOneWord, readerFailsMfa, registrationFromUsualIp } from './near-misses.js';
import { newCountry } from './new-country.js';
import { passwordSpray } from './password-spray.js';
import type { PlannedStory, StoryContext } from './story.js';

export type { Expectation, Story, Step } from './story.js';

/** Stories need this many days before the earliest of them (hunt baselines) plus the six they span. */
export const MIN_DAYS = 9;

const STORIES: readonly ((ctx: StoryContext, cast: Cast) => PlannedStory)[] = [
  aitmPhishing,
  passwordSpray,
  mfaFatigue,
  newCountry,
  registrationFromUsualIp,
  deviceSevenHoursLater,
  deviceBeforeRisk,
  alertOnOtherAccount,
  readerFailsMfa,
  multifactorOneWord,
];

/** Plans every story; returns them with the cast (whose accounts the background leaves alone). */
export function planStories(ctx: StoryContext): { cast: Cast; stories: PlannedStory[] } {
  const cast = chooseCast(ctx.rng.fork('cast'), ctx.tenant);
  return { cast, stories: STORIES.map((s, k) => s({ ...ctx, rng: ctx.rng.fork(`story-${k}`) }, cast)) };
}
