/**
 * Event times as exports write them: ISO 8601 with "T" or a space, any
 * number of fraction digits (Defender writes 7), "Z", an offset or none (UTC
 * then), and the Log Analytics portal's `4/28/2021, 2:08:45.221 PM`
 * (month/day/year, UTC). Parsed by hand so every runtime agrees to the
 * millisecond; extra fraction digits are truncated.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;
const PORTAL = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*([AaPp][Mm])?$/;

/**
 * Epoch ms of a timestamp value; null when empty (missing, null, ""); NaN when
 * not a timestamp. Numbers are taken as epoch ms; Date objects as they are.
 */
export function parseTimestamp(v: unknown): number | null {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : NaN;
  if (typeof v !== 'string') return NaN;
  const s = v.trim();
  if (s === '') return null;
  let m = ISO.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, sec, frac, zone] = m;
    const base = utc(+y!, +mo!, +d!, h ? +h : 0, mi ? +mi : 0, sec ? +sec : 0, fracMs(frac));
    return Number.isNaN(base) ? NaN : base - offsetMs(zone);
  }
  m = PORTAL.exec(s);
  if (m) {
    const [, mo, d, y, h, mi, sec, frac, ampm] = m;
    let hour = +h!;
    if (ampm) {
      if (hour < 1 || hour > 12) return NaN;
      const pm = ampm.toLowerCase() === 'pm';
      hour = (hour % 12) + (pm ? 12 : 0);
    }
    return utc(+y!, +mo!, +d!, hour, +mi!, sec ? +sec : 0, fracMs(frac));
  }
  return NaN;
}

function fracMs(frac: string | undefined): number {
  return frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
}

function offsetMs(zone: string | undefined): number {
  if (!zone || zone === 'Z' || zone === 'z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes) * 60_000;
}

/** Date.UTC with range checks (Date.UTC would roll 2021-02-30 over to March). */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return NaN;
  const t = Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59), ms);
  if (new Date(t).getUTCDate() !== d) return NaN;
  return t;
}
