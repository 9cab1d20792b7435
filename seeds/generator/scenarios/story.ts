/**
 * What a story is in scenario.json (the attack or near miss, its steps, the
 * detector rows it must produce and those it must not), and the kit a story
 * module plans its events with.
 */
import type { TableName } from '../../../src/ingest/table-names.js';
import type { TenantEvent } from '../events.js';
import type { SignIn } from '../records/sign-in.js';
import type { Client, Place, SignInResult } from '../reference-data.js';
import type { App } from '../reference-data.js';
import type { Rng } from '../rng.js';
import type { SimDevice, SimUser, Tenant } from '../tenant.js';
import { iso } from '../time.js';

/** A detector row a story must (expect) or must not (mustNotMatch) produce: every `where` column equals its value. */
export interface Expectation {
  readonly detector: string;
  readonly where: Readonly<Record<string, string | number>>;
  readonly why?: string;
}

export interface Step {
  readonly time: string;
  readonly table: TableName;
  readonly what: string;
}

export interface Story {
  readonly id: string;
  readonly kind: 'attack' | 'near-miss';
  readonly title: string;
  /** The account the story is about: its lower-cased UPN, the graph's User key. */
  readonly account: string;
  readonly attackerIps: readonly string[];
  readonly steps: readonly Step[];
  readonly expect: readonly Expectation[];
  readonly mustNotMatch: readonly Expectation[];
}

/** A story and the events it adds to the tenant. */
export interface PlannedStory {
  readonly story: Story;
  readonly events: readonly TenantEvent[];
}

/** Collects a story's events and the steps scenario.json lists. */
export class StoryPlan {
  readonly events: TenantEvent[] = [];
  readonly steps: Step[] = [];

  /** Adds events; when `what` is given, the first becomes a listed step. */
  add(table: TableName, events: TenantEvent | readonly TenantEvent[], what?: string): void {
    const list = Array.isArray(events) ? (events as readonly TenantEvent[]) : [events as TenantEvent];
    this.events.push(...list);
    const last = list[list.length - 1];
    if (what && last) this.steps.push({ time: iso(last.time), table, what });
  }

  finish(story: Omit<Story, 'steps'>): PlannedStory {
    const steps = [...this.steps].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    return { story: { ...story, steps }, events: this.events };
  }
}

/** What every story module receives. */
export interface StoryContext {
  readonly tenant: Tenant;
  readonly rng: Rng;
  /** Start of the UTC day `daysBeforeEnd` days before the tenant's end. */
  readonly day: (daysBeforeEnd: number) => number;
}

/** A sign-in with the defaults a story does not care about. */
export function storySignIn(
  rng: Rng,
  s: { user: SimUser; time: number; ip: string; place: Place; app: App; result: SignInResult; client: Client; device?: SimDevice | null; sessionId?: string; risk?: SignIn['risk']; riskEventTypes?: readonly string[]; trusted?: boolean; statusDetails?: string },
): SignIn {
  return {
    user: s.user,
    time: s.time,
    ip: s.ip,
    place: s.place,
    app: s.app,
    result: s.result,
    client: s.client,
    device: s.device ?? null,
    sessionId: s.sessionId ?? rng.uuid(),
    correlationId: rng.uuid(),
    risk: s.risk ?? 'none',
    riskEventTypes: s.riskEventTypes ?? [],
    trustedNetwork: s.trusted ?? false,
    ...(s.statusDetails ? { statusDetails: s.statusDetails } : {}),
  };
}

/** Lower-cased UPN: the form the hunts output for account columns they lower-case. */
export function lower(u: SimUser): string {
  return u.upn.toLowerCase();
}
