/**
 * zod column types for the quirks of exported telemetry. Empty is one thing
 * (missing, null, ""): it reads as null. Text columns accept numbers and
 * booleans and keep their decimal / literal text (ResultType 0 and "0" are
 * the same). Dynamic columns accept an object/array or the JSON text of one.
 * Timestamps accept ISO 8601 and the portal format.
 */
import { z } from 'zod';
import { isJsonObject } from '../formats/own-keys.js';
import { parseTimestamp } from './timestamps.js';

/** Text of a scalar, null when empty; objects are an issue. */
export const text = z.unknown().optional().transform((v, ctx): string | null => {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  ctx.addIssue({ code: 'custom', message: `expected text or a number, got ${Array.isArray(v) ? 'an array' : typeof v}` });
  return z.NEVER;
});

/** Text of any value inside a dynamic column: scalars as text, objects as their JSON, empty as null. Never an issue. */
export function looseText(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/** A time column: epoch ms, null when empty; anything else is an issue. */
export const timestamp = z.unknown().optional().transform((v, ctx): number | null => {
  const t = parseTimestamp(v);
  if (t !== null && Number.isNaN(t)) {
    ctx.addIssue({ code: 'custom', message: `not a timestamp: ${JSON.stringify(v)?.slice(0, 80)}` });
    return z.NEVER;
  }
  return t;
});

/** JSON text of a dynamic column parsed (empty text is null); other values pass through. */
function parseDynamic(v: unknown, ctx: z.core.$RefinementCtx): unknown {
  if (v === undefined || v === '') return null;
  if (typeof v !== 'string') return v;
  const s = v.trim();
  if (s === '' || s === 'null') return null;
  try {
    return JSON.parse(s);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `invalid JSON in a dynamic column: ${(err as Error).message}` });
    return v;
  }
}

/** A dynamic column holding an object (or its JSON text), validated by `shape`; null when empty. */
export function dynamicObject<T extends z.ZodType>(shape: T) {
  return z.preprocess(parseDynamic, shape.nullable());
}

/** A dynamic column holding an array (or its JSON text) of `item`; null when empty. */
export function dynamicArray<T extends z.ZodType>(item: T) {
  return z.preprocess(parseDynamic, z.array(item).nullable());
}

/** A dynamic column holding any JSON value (or its JSON text); null when empty. */
export const dynamicAny = z.preprocess(parseDynamic, z.unknown());

/** An object with any keys (nested parts of dynamic columns that are read with looseText). */
export const anyObject = z.custom<Record<string, unknown>>((v) => isJsonObject(v), { message: 'expected an object' });

/** Value at a path inside parsed dynamic data (undefined when any step is missing). */
export function at(v: unknown, ...path: (string | number)[]): unknown {
  let cur = v;
  for (const p of path) {
    if (typeof p === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[p];
    } else {
      if (!isJsonObject(cur) || !Object.hasOwn(cur, p)) return undefined;
      cur = cur[p];
    }
  }
  return cur;
}

/** The first non-null of some values. */
export function firstOf<T>(...vs: (T | null | undefined)[]): T | null {
  for (const v of vs) if (v !== null && v !== undefined) return v;
  return null;
}
