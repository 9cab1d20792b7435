/**
 * Ordinary life in the tenant, planned an hour at a time: people sign in from
 * their usual IPs, mostly in their working hours on workdays, with token
 * refreshes (non-interactive) several times as many as interactive sign-ins;
 * occasional failures of many kinds; routine MFA registrations from an IP the
 * user already signed in from; device registrations; role assignments by
 * admins; daily IdentityInfo snapshots; low-risk sessions; alerts unrelated
 * to any story. Story accounts only sign in here: their audits, devices and
 * alerts are the stories' own, so nothing in the background blurs them.
 */
import { alertEvent, deviceRegistrationEvents, identityInfoEvent, roleAssignmentEvent, securityInfoEvent, signInEvent, type TenantEvent } from './events.js';
import { MS_PIM, type Initiator } from './records/audit-logs.js';
import type { Risk, SignIn } from './records/sign-in.js';
import {
  APPS,
  BACKGROUND_ALERTS,
  INTERACTIVE_APPS,
  INTERACTIVE_FAILURES,
  MFA_METHODS,
  NON_INTERACTIVE_APPS,
  NON_INTERACTIVE_FAILURES,
  READER_ROLES,
  RESULTS,
  type SignInResult,
} from './reference-data.js';
import type { Rng } from './rng.js';
import type { SignInHistory } from './sign-in-history.js';
import { isAdmin, roleIdsOf, type SimDevice, type SimUser, type Tenant, type UsualIp } from './tenant.js';
import { DAY, HOUR, MINUTE, SECOND } from './time.js';

/** Share of interactive sign-ins that fail. */
const FAILURE_RATE = 0.08;
/** Share of token refreshes that fail. */
const REFRESH_FAILURE_RATE = 0.03;

/**
 * Failures of story accounts: none that hunt 5 or the MFA detectors count, so
 * every detection on a story account comes from the story itself.
 */
const QUIET_FAILURES = INTERACTIVE_FAILURES.filter(([r]) => r.mfa === 'none' || r === RESULTS.keepMeSignedIn);
const QUIET_REFRESH_FAILURES = NON_INTERACTIVE_FAILURES.filter(([r]) => r.mfa === 'none');

export class Background {
  constructor(
    private readonly rng: Rng,
    private readonly tenant: Tenant,
    private readonly history: SignInHistory,
    /** Indexes of the users the stories use. */
    private readonly reserved: ReadonlySet<number>,
    private readonly start: number,
  ) {}

  /** Plans the events of the hour starting at `hour` (some, like token refreshes, land in later hours). */
  planHour(hour: number, push: (ev: TenantEvent) => void): void {
    if (hour % DAY === 0) this.planDay(hour, push);
    for (const u of this.tenant.users) {
      const n = this.rng.poisson(interactiveRate(u, hour));
      for (let k = 0; k < n; k++) this.planSignIn(u, hour + this.rng.int(0, HOUR - 1), push);
    }
  }

  private planDay(day: number, push: (ev: TenantEvent) => void): void {
    const rng = this.rng;
    for (const u of this.tenant.users) push(identityInfoEvent(u, day + 2 * HOUR + rng.int(0, HOUR - 1)));
    const routine = this.tenant.users.filter((u) => !this.reserved.has(u.index));
    const settled = day >= this.start + 2 * DAY;
    for (const u of routine) {
      if (settled && rng.chance(0.012)) this.planMfaRegistration(u, workTime(rng, u, day), push);
      if (settled && rng.chance(0.004)) this.planDefaultMethodChange(u, workTime(rng, u, day), push);
      if (rng.chance(0.005)) this.planDeviceRegistration(u, workTime(rng, u, day), push);
    }
    const weekday = !isLocalWeekend(this.tenant.users[0]!, day + 12 * HOUR);
    if (weekday && rng.chance(0.4)) this.planRoleAssignment(day, routine, push);
    if (rng.chance(0.3) && routine.length > 0) {
      const u = rng.pick(routine);
      const a = rng.pick(BACKGROUND_ALERTS);
      const ip = rng.pick(u.ips);
      push(
        alertEvent({
          time: day + rng.int(0, DAY - 1),
          name: a.name,
          type: a.type,
          provider: a.provider,
          product: a.product,
          severity: a.severity,
          description: a.description,
          user: u,
          ip: ip.ip,
          place: ip.place,
          namedAccount: a.provider !== 'IPC',
          userAgent: u.devices[0]!.client.userAgent,
        }),
      );
    }
  }

  /** An interactive sign-in, its retry when it failed in a way people retry, and the token refreshes that follow a success. */
  private planSignIn(u: SimUser, t: number, push: (ev: TenantEvent) => void): void {
    const rng = this.rng;
    const working = !isLocalWeekend(u, t) && localHour(u, t) >= 8 && localHour(u, t) < 18;
    const ip = pickIp(rng, u, working);
    const device = pickDevice(rng, u, ip);
    const app = isAdmin(u) && rng.chance(0.15) ? APPS.azurePortal : rng.weighted(INTERACTIVE_APPS);
    const story = this.reserved.has(u.index);
    const result = rng.chance(FAILURE_RATE) ? rng.weighted(story ? QUIET_FAILURES : INTERACTIVE_FAILURES) : RESULTS.ok;
    const risk: Risk = rng.chance(0.03) ? 'low' : 'none';
    const base = this.signIn(u, t, ip, device, app, result, risk);
    push(signInEvent(base, { interactive: true, mirror: true }));
    let success: SignIn | null = result.code === '0' ? base : null;
    const retry = (delay: number, sameRequest: boolean): void => {
      const s: SignIn = { ...base, time: t + delay, result: RESULTS.ok, risk: 'none', riskEventTypes: [], ...(sameRequest ? {} : { correlationId: rng.uuid() }) };
      push(signInEvent(s, { interactive: true, mirror: true }));
      success = s;
    };
    if (result === RESULTS.strongAuthRequired || result === RESULTS.mfaRequiredMoved || result === RESULTS.keepMeSignedIn) retry(rng.int(20, 90) * SECOND, true);
    else if (result === RESULTS.badPassword && rng.chance(0.8)) retry(rng.int(30, 120) * SECOND, false);
    else if (result === RESULTS.mfaDenied && rng.chance(0.6)) retry(rng.int(60, 180) * SECOND, false);
    if (success) this.planRefreshes(success, push);
  }

  private planRefreshes(s: SignIn, push: (ev: TenantEvent) => void): void {
    const rng = this.rng;
    for (let k = rng.int(2, 7); k > 0; k--) {
      const failed = rng.chance(REFRESH_FAILURE_RATE);
      const r: SignInResult = failed ? rng.weighted(this.reserved.has(s.user.index) ? QUIET_REFRESH_FAILURES : NON_INTERACTIVE_FAILURES) : RESULTS.ok;
      const refresh: SignIn = {
        ...s,
        time: s.time + rng.int(5 * MINUTE, 6 * HOUR),
        app: rng.weighted(NON_INTERACTIVE_APPS),
        result: r,
        correlationId: rng.uuid(),
        risk: 'none',
        riskEventTypes: [],
        statusDetails: failed ? undefined : 'MFA requirement satisfied by claim in the token',
      };
      push(signInEvent(refresh, { interactive: false, mirror: rng.chance(0.2) }));
    }
  }

  private signIn(u: SimUser, t: number, ip: UsualIp, device: SimDevice | null, app: SignIn['app'], result: SignInResult, risk: Risk): SignIn {
    return {
      user: u,
      time: t,
      ip: ip.ip,
      place: ip.place,
      app,
      result,
      client: device?.client ?? u.devices[0]!.client,
      device,
      sessionId: this.rng.uuid(),
      correlationId: this.rng.uuid(),
      risk,
      riskEventTypes: risk === 'low' ? ['unfamiliarFeatures'] : [],
      trustedNetwork: ip.kind === 'office',
    };
  }

  /** A routine MFA registration, always from an IP already in the user's sign-in baseline (never an unseen IP). */
  private planMfaRegistration(u: SimUser, t: number, push: (ev: TenantEvent) => void): void {
    const known = this.history.baselineIps(u.index, t);
    if (known.length === 0) return;
    const ipText = this.rng.pick(known);
    const ip = u.ips.find((i) => i.ip === ipText) ?? u.ips[0]!;
    const method = MFA_METHODS.find((m) => !u.mfaMethods.includes(m)) ?? MFA_METHODS[0]!;
    const device = pickDevice(this.rng, u, ip);
    push(signInEvent(this.signIn(u, t - 3 * MINUTE, ip, device, APPS.mySignins, RESULTS.ok, 'none'), { interactive: true, mirror: true }));
    const initiator: Initiator = { user: u, ip: ip.ip };
    const ua = (device ?? u.devices[0]!).client.userAgent;
    push(securityInfoEvent({ time: t - MINUTE, operation: 'User started security info registration', initiator, target: u, method, userAgent: ua }));
    push(securityInfoEvent({ time: t, operation: 'User registered security info', initiator, target: u, method, userAgent: ua }));
  }

  private planDefaultMethodChange(u: SimUser, t: number, push: (ev: TenantEvent) => void): void {
    const known = this.history.baselineIps(u.index, t);
    if (known.length === 0 || u.mfaMethods.length < 2) return;
    const ip = this.rng.pick(known);
    push(securityInfoEvent({ time: t, operation: 'User changed default security info', initiator: { user: u, ip }, target: u, method: u.mfaMethods[1]!, userAgent: u.devices[0]!.client.userAgent }));
  }

  private planDeviceRegistration(u: SimUser, t: number, push: (ev: TenantEvent) => void): void {
    const ip = u.ips[0]!;
    const device = u.devices[0]!;
    push(signInEvent(this.signIn(u, t - 40 * SECOND, ip, device, APPS.broker, RESULTS.ok, 'none'), { interactive: false, mirror: true }));
    const ipad = this.rng.chance(0.5);
    for (const ev of deviceRegistrationEvents({
      time: t,
      owner: u,
      deviceObjectId: this.rng.uuid(),
      deviceName: ipad ? `${u.givenName}s-iPad` : `DESKTOP-${this.rng.hex(7).toUpperCase()}`,
      os: ipad ? 'iPadOS' : 'Windows',
      ip: ip.ip,
      place: ip.place,
    }))
      push(ev);
  }

  private planRoleAssignment(day: number, routine: readonly SimUser[], push: (ev: TenantEvent) => void): void {
    const rng = this.rng;
    const targets = routine.filter((u) => u.roles.length === 0);
    if (targets.length === 0) return;
    const target = rng.pick(targets);
    const admins = routine.filter(isAdmin);
    const by = admins.length > 0 && rng.chance(0.7) ? rng.pick(admins) : null;
    const t = workTime(rng, by ?? target, day);
    const initiator: Initiator = by ? { user: by, ip: by.ips[0]!.ip } : MS_PIM;
    const role = rng.pick(READER_ROLES.filter((r) => r !== 'Security Reader'));
    push(roleAssignmentEvent({ time: t, initiator, target, role, ...roleIdsOf(this.tenant, role), userAgent: by ? by.devices[0]!.client.userAgent : '' }));
  }

}

/** The user's UTC offset in hours, from the longitude of where they live. */
function utcOffset(u: SimUser): number {
  return Math.round(u.home.lon / 15);
}

/** Hour of the day where the user is. */
export function localHour(u: SimUser, t: number): number {
  return (((Math.floor(t / HOUR) + utcOffset(u)) % 24) + 24) % 24;
}

function isLocalWeekend(u: SimUser, t: number): boolean {
  const d = new Date(t + utcOffset(u) * HOUR).getUTCDay();
  return d === 0 || d === 6;
}

/** Expected interactive sign-ins of the user in the hour starting at `hour`. */
function interactiveRate(u: SimUser, hour: number): number {
  const h = localHour(u, hour);
  if (isLocalWeekend(u, hour)) return h >= 9 && h < 22 ? 0.04 : 0.004;
  if (h >= 8 && h < 18) return 0.38;
  if (h >= 18 && h < 23) return 0.06;
  return 0.008;
}

/** A time in the user's working hours on `day` (UTC day start). */
export function workTime(rng: Rng, u: SimUser, day: number): number {
  const localNine = day + ((((9 - utcOffset(u)) % 24) + 24) % 24) * HOUR;
  return localNine + rng.int(0, 8 * HOUR - 1);
}

function pickIp(rng: Rng, u: SimUser, working: boolean): UsualIp {
  const office = u.ips.find((i) => i.kind === 'office')!;
  const others = u.ips.filter((i) => i.kind !== 'office');
  if (working) return others.length > 0 && rng.chance(0.2) ? rng.pick(others) : office;
  return others.length > 0 && rng.chance(0.85) ? rng.pick(others) : office;
}

function pickDevice(rng: Rng, u: SimUser, ip: UsualIp): SimDevice | null {
  if (ip.kind === 'mobile') return u.devices[1] ?? u.devices[0]!;
  if (ip.kind === 'home' && rng.chance(0.1)) return null;
  return u.devices[0]!;
}
