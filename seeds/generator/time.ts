/** Time units in milliseconds and the one timestamp format every record uses. */
export const SECOND = 1_000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** ISO 8601 UTC with milliseconds, as Log Analytics exports TimeGenerated. */
export function iso(t: number): string {
  return new Date(t).toISOString();
}

/** Start of the UTC day holding t. */
export function dayStart(t: number): number {
  return Math.floor(t / DAY) * DAY;
}

/** Whether t falls on a Saturday or Sunday (UTC). */
export function isWeekend(t: number): boolean {
  const d = new Date(t).getUTCDay();
  return d === 0 || d === 6;
}
