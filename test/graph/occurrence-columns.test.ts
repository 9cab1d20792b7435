import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ColumnLayout, OccurrenceColumns } from '../../src/graph/occurrence-columns.js';
import { ValueTable } from '../../src/graph/value-table.js';

function columns(values = new ValueTable()) {
  const layout = new ColumnLayout('SIGNED_IN', values);
  return { layout, values, cols: () => new OccurrenceColumns(layout) };
}

describe('OccurrenceColumns', () => {
  it('interns repeated values once and widens codes past 8 and 16 bits', () => {
    const { values, cols } = columns();
    const c = cols();
    for (let i = 0; i < 70_000; i++) c.insert(i, `e${i}`, { app: i < 10 ? 'Office 365' : `app-${i % 3}`, city: `city-${i}` });
    // city is too distinct to intern: after the warm-up window and one judged window (2 x 8192 writes) it goes raw.
    expect(values.size).toBeLessThan(17_000);
    expect(c.prop(0, 'app')).toBe('Office 365');
    expect(c.prop(69_999, 'app')).toBe(`app-${69_999 % 3}`);
    for (const i of [0, 255, 256, 4095, 4096, 65_535, 65_536, 69_999]) expect(c.prop(i, 'city')).toBe(`city-${i}`);
  });

  it('widens one column to 3 bytes without disturbing the others', () => {
    const values = new ValueTable();
    for (let i = 0; i < 70_000; i++) values.intern(`v-${i}`);
    const { cols } = columns(values);
    const c = cols();
    c.insert(1, 'a', { app: 'v-3', city: 'v-300' });
    c.insert(2, 'b', { app: 'v-69999', city: 'v-4' });
    c.insert(0, 'c', { city: 'v-65536' });
    expect([0, 1, 2].map((i) => [c.eventId(i), c.prop(i, 'app'), c.prop(i, 'city')])).toEqual([
      ['c', null, 'v-65536'],
      ['a', 'v-3', 'v-300'],
      ['b', 'v-69999', 'v-4'],
    ]);
  });

  it('an occurrence appended after a drop has no value for the properties it does not set', () => {
    // A drop moves the codes down and leaves slots past the end; an append writes only what it has.
    const { cols } = columns();
    const c = cols();
    for (let t = 1; t <= 8; t++) c.insert(t, `e${t}`, { app: `app-${t}`, city: `city-${t}` });
    expect(c.dropBefore(3)).toBe(2);
    c.insert(9, 'e9', { city: 'city-9' });
    c.insert(10, 'e10', { app: 'app-10' });
    expect([6, 7].map((i) => [c.eventId(i), c.prop(i, 'app'), c.prop(i, 'city')])).toEqual([
      ['e9', null, 'city-9'],
      ['e10', 'app-10', null],
    ]);
  });

  it('behaves like a list sorted by (time, event id) under random inserts, drops and merges (property)', () => {
    const op = fc.oneof(
      fc.record({ op: fc.constant('insert' as const), t: fc.integer({ min: 0, max: 30 }), app: fc.option(fc.integer({ min: 0, max: 300 })), city: fc.option(fc.integer({ min: 0, max: 5 })) }),
      fc.record({ op: fc.constant('drop' as const), t: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ op: fc.constant('absorb' as const), ts: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 6 }) }),
      fc.record({ op: fc.constant('trim' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const { cols } = columns();
        const c = cols();
        let model: { t: number; id: string; app: string | null; city: string | null }[] = [];
        let next = 0;
        const add = (into: typeof c, list: typeof model, t: number, app: number | null, city: number | null) => {
          const row = { t, id: `e${next++}`, app: app === null ? null : `app-${app}`, city: city === null ? null : `city-${city}` };
          into.insert(t, row.id, { app: row.app, city: row.city });
          // Ties go by event id (e10 sorts before e9: string order, not arrival order).
          const at = list.findIndex((r) => r.t > t || (r.t === t && r.id > row.id));
          list.splice(at < 0 ? list.length : at, 0, row);
        };
        for (const o of ops) {
          if (o.op === 'insert') add(c, model, o.t, o.app, o.city);
          else if (o.op === 'drop') {
            const before = model.length;
            model = model.filter((r) => r.t >= o.t);
            expect(c.dropBefore(o.t)).toBe(before - model.length);
          } else if (o.op === 'absorb') {
            const other = cols();
            const theirs: typeof model = [];
            for (const t of o.ts) add(other, theirs, t, t * 7, null);
            c.absorb(other);
            for (const r of theirs) {
              const at = model.findIndex((m) => m.t > r.t || (m.t === r.t && m.id > r.id));
              model.splice(at < 0 ? model.length : at, 0, r);
            }
          } else c.trim();
          const got = Array.from({ length: c.size }, (_, i) => ({ t: c.time(i), id: c.eventId(i), app: c.prop(i, 'app'), city: c.prop(i, 'city') }));
          expect(got).toEqual(model);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('flips a distinct property to raw storage and converts other edges lazily', () => {
    const { layout, cols } = columns();
    const early = cols();
    early.insert(1, 'x', { correlationId: 'corr-early', app: 'Teams' });
    const p = layout.index.get('correlationId')!;
    expect(layout.raw[p]).toBe(false);
    const busy = cols();
    for (let i = 0; i < 17_000; i++) busy.insert(i, `e${i}`, { correlationId: `corr-${i}`, app: 'Teams' });
    expect(layout.raw[p]).toBe(true);
    expect(layout.raw[layout.index.get('app')!]).toBe(false);
    expect(early.prop(0, 'correlationId')).toBe('corr-early'); // not yet converted, still readable
    early.insert(2, 'y', { correlationId: 'corr-late' }); // converts on write
    expect([early.prop(0, 'correlationId'), early.prop(1, 'correlationId'), early.prop(1, 'app')]).toEqual(['corr-early', 'corr-late', null]);
    expect(busy.prop(16_999, 'correlationId')).toBe('corr-16999');
  });

  it('inserts late occurrences with raw and coded columns shifted together', () => {
    const { cols } = columns();
    const c = cols();
    for (let i = 0; i < 5000; i++) c.insert(2 * i, `e${2 * i}`, { correlationId: `c${2 * i}`, app: `a${i % 4}` });
    c.insert(3, 'late', { correlationId: 'c-late', app: 'late-app' });
    const i = c.lowerBound(3);
    expect([c.time(i), c.eventId(i), c.prop(i, 'correlationId'), c.prop(i, 'app')]).toEqual([3, 'late', 'c-late', 'late-app']);
    expect([c.time(i + 1), c.prop(i + 1, 'correlationId'), c.prop(i + 1, 'app')]).toEqual([4, 'c4', 'a2']);
    expect(c.size).toBe(5001);
  });

  it('absorbs another edge in time order and drops a prefix', () => {
    const { cols } = columns();
    const a = cols();
    const b = cols();
    for (const t of [1, 4, 9]) a.insert(t, `a${t}`, { app: `A${t}` });
    for (const t of [2, 4, 10]) b.insert(t, `b${t}`, { city: `B${t}` });
    a.absorb(b);
    expect(Array.from({ length: a.size }, (_, i) => [a.eventId(i), a.prop(i, 'app'), a.prop(i, 'city')])).toEqual([
      ['a1', 'A1', null],
      ['b2', null, 'B2'],
      ['a4', 'A4', null],
      ['b4', null, 'B4'],
      ['a9', 'A9', null],
      ['b10', null, 'B10'],
    ]);
    expect(a.dropBefore(5)).toBe(4);
    expect([a.size, a.eventId(0), a.prop(0, 'app'), a.prop(1, 'city')]).toEqual([2, 'a9', 'A9', 'B10']);
    a.trim();
    a.insert(11, 'a11', { app: 'A11' });
    expect(a.prop(2, 'app')).toBe('A11');
    expect(a.contains(9, 'a9')).toBe(true);
    expect(a.contains(9, 'b9')).toBe(false);
  });
});

describe('ValueTable', () => {
  it('keeps strings, numbers and booleans apart and compacts to the live codes', () => {
    const t = new ValueTable();
    const codes = ['1', 1, true, false, '', 'x'].map((v) => t.intern(v));
    expect(new Set(codes).size).toBe(6);
    expect(t.intern(null)).toBe(0);
    expect(t.intern('1')).toBe(codes[0]);
    const live = new Uint8Array(t.size);
    live[codes[1]!] = 1;
    live[codes[5]!] = 1;
    const remap = t.compact(live);
    expect(t.size).toBe(3);
    expect(t.value(remap[codes[1]!]!)).toBe(1);
    expect(t.value(remap[codes[5]!]!)).toBe('x');
    expect(remap[codes[0]!]).toBe(0);
    expect(t.intern('1')).toBe(3);
  });
});
