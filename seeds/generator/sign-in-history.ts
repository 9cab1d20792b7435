/**
 * What the tenant has already logged about each user's successful
 * interactive sign-ins: on which days each IP succeeded (last 31 days only,
 * so memory does not grow with the period) and when the user was last seen.
 * Background events that must not look suspicious (routine MFA registrations)
 * ask it whether an IP is in the user's hunt-1 baseline.
 */
import { DAY } from './time.js';

const KEEP_DAYS = 31;

export class SignInHistory {
  private readonly days = new Map<number, Map<string, number[]>>();
  private readonly lastSeen = new Map<number, number>();

  /** Records a successful SigninLogs sign-in of user `u` from `ip` at `time`. */
  recordSuccess(u: number, ip: string, time: number): void {
    const day = Math.floor(time / DAY);
    let byIp = this.days.get(u);
    if (!byIp) this.days.set(u, (byIp = new Map()));
    const list = byIp.get(ip) ?? [];
    if (list[list.length - 1] !== day) list.push(day);
    while (list.length > 0 && list[0]! < day - KEEP_DAYS) list.shift();
    byIp.set(ip, list);
    this.lastSeen.set(u, Math.max(this.lastSeen.get(u) ?? 0, time));
  }

  /** Records any sign-in (for LastSeenDate). */
  recordSeen(u: number, time: number): void {
    this.lastSeen.set(u, Math.max(this.lastSeen.get(u) ?? 0, time));
  }

  /**
   * Whether `ip` is surely in user `u`'s hunt-1 baseline for an event at `t`
   * (a success in [t - 31d, t - 1d)): a success on a whole day between 30 and
   * 2 days before t's day qualifies whatever its hour.
   */
  inBaseline(u: number, ip: string, t: number): boolean {
    const day = Math.floor(t / DAY);
    return (this.days.get(u)?.get(ip) ?? []).some((d) => d >= day - 30 && d <= day - 2);
  }

  /** The IPs of user `u` that are in the baseline for an event at `t`. */
  baselineIps(u: number, t: number): string[] {
    return [...(this.days.get(u)?.keys() ?? [])].filter((ip) => this.inBaseline(u, ip, t));
  }

  lastSeenAt(u: number): number | null {
    return this.lastSeen.get(u) ?? null;
  }
}
