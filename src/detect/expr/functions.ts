/**
 * Scalar functions available in pattern expressions, with KQL meaning.
 * Aggregate functions (count, dcount, make_set...) live in ../aggregates.ts.
 */
import type { Value } from './ast.js';
import { isEmpty, toNumber, toText } from './kql.js';

interface ScalarFunction {
  readonly min: number;
  readonly max: number;
  readonly doc: string;
  readonly impl: (args: readonly Value[]) => Value;
}

const text = (v: Value | undefined): string => toText(v);

export const SCALAR_FUNCTIONS: Readonly<Record<string, ScalarFunction>> = {
  lower: { min: 1, max: 1, doc: 'lower-cased text', impl: ([v]) => (isEmpty(v) ? null : text(v).toLowerCase()) },
  tolower: { min: 1, max: 1, doc: 'lower-cased text', impl: ([v]) => (isEmpty(v) ? null : text(v).toLowerCase()) },
  upper: { min: 1, max: 1, doc: 'upper-cased text', impl: ([v]) => (isEmpty(v) ? null : text(v).toUpperCase()) },
  toupper: { min: 1, max: 1, doc: 'upper-cased text', impl: ([v]) => (isEmpty(v) ? null : text(v).toUpperCase()) },
  tostring: { min: 1, max: 1, doc: 'text form ("" for empty)', impl: ([v]) => text(v) },
  tonumber: { min: 1, max: 1, doc: 'number, or null when not numeric', impl: ([v]) => toNumber(v ?? null) },
  strlen: { min: 1, max: 1, doc: 'length of the text', impl: ([v]) => text(v).length },
  split: {
    min: 2,
    max: 2,
    doc: 'array of the parts of text split at a separator',
    impl: ([v, sep]) => (isEmpty(v) ? [] : text(v).split(text(sep))),
  },
  strcat: { min: 1, max: 64, doc: 'concatenated text forms', impl: (args) => args.map(text).join('') },
  coalesce: { min: 1, max: 64, doc: 'first non-empty argument', impl: (args) => args.find((a) => !isEmpty(a)) ?? null },
  iff: { min: 3, max: 3, doc: 'second argument when the first is true, else the third', impl: ([c, a, b]) => (c === true ? a! : b!) },
  isempty: { min: 1, max: 1, doc: 'true when null, "" or missing', impl: ([v]) => isEmpty(v) },
  isnotempty: { min: 1, max: 1, doc: 'true unless null, "" or missing', impl: ([v]) => !isEmpty(v) },
  isnull: { min: 1, max: 1, doc: 'true when empty', impl: ([v]) => isEmpty(v) },
  isnotnull: { min: 1, max: 1, doc: 'true unless empty', impl: ([v]) => !isEmpty(v) },
  array_length: { min: 1, max: 1, doc: 'length of an array, null otherwise', impl: ([v]) => (Array.isArray(v) ? v.length : null) },
  datetime: {
    min: 1,
    max: 1,
    doc: 'epoch milliseconds of an ISO 8601 time',
    impl: ([v]) => {
      const t = Date.parse(text(v));
      return Number.isNaN(t) ? null : t;
    },
  },
};

/** Whether a name is a scalar function. */
export function isScalarFunction(name: string): boolean {
  return Object.hasOwn(SCALAR_FUNCTIONS, name);
}
