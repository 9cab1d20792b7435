/**
 * A test of one property's value, answered once per interned value. Occurrence columns and kind
 * logs store codes (value-table.ts): a matcher that tests an occurrence's table name or result
 * type reads a byte of answers by the occurrence's code instead of the value, and asks the test
 * itself only the first time a code is met.
 *
 * Owns: the answers per code, and when they stop being good (another table, or codes renumbered).
 */
import type { Scalar } from './schema.js';
import type { ValueTable } from './value-table.js';

/** A value test with its answers kept per code of one value table (0 not asked yet, 1 yes, 2 no). */
export class ValuePredicate {
  private answers = new Uint8Array(0);
  private table: ValueTable | null = null;
  private generation = -1;

  constructor(readonly accept: (v: Scalar) => boolean) {}

  /**
   * The answers array for a table's current codes, long enough for every code it holds now (so
   * a scan over codes already stored reads it without a bounds check); entries not asked yet are 0.
   */
  answersFor(table: ValueTable): Uint8Array {
    if (table !== this.table || table.generation !== this.generation) {
      this.table = table;
      this.generation = table.generation;
      this.answers = new Uint8Array(Math.max(table.size, 64) * 2);
    } else if (this.answers.length < table.size) {
      const grown = new Uint8Array(table.size * 2);
      grown.set(this.answers);
      this.answers = grown;
    }
    return this.answers;
  }

  /** Whether the value behind `code` passes, asked of accept once per code; `answers` is answersFor(table). */
  answer(answers: Uint8Array, table: ValueTable, code: number): boolean {
    let a = answers[code]!;
    if (a === 0) answers[code] = a = this.accept(table.value(code)) ? 1 : 2;
    return a === 1;
  }

  /** Whether the value behind `code` (a code `table` holds) passes. */
  passesCode(table: ValueTable, code: number): boolean {
    return this.answer(this.answersFor(table), table, code);
  }
}
