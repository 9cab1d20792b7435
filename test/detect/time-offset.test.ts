/**
 * Time expressions read once (time-offset.ts) and folded two ways: the exact signed offset the
 * evaluator and streaming use, and the size-sum spread behind every judge horizon.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/detect/catalog.js';
import { parseExpr } from '../../src/detect/expr/parser.js';
import { judgeHorizon, windowOffsets } from '../../src/detect/judge-window.js';
import { timeOffset } from '../../src/detect/time-offset.js';

const H = 3_600_000;
const D = 24 * H;
const params = { window: H, lookback: 30 * D, name: 'x' };

describe('timeOffset', () => {
  it('reads a clause time plus or minus constants, with their signs', () => {
    expect(timeOffset(parseExpr('ok.time'), params)).toEqual({ variable: 'ok', offset: 0 });
    expect(timeOffset(parseExpr('ok.time - $window'), params)).toEqual({ variable: 'ok', offset: -H });
    expect(timeOffset(parseExpr('ok.time - 90m + 30m'), params)).toEqual({ variable: 'ok', offset: -H });
    expect(timeOffset(parseExpr('30m + ok.time'), params)).toEqual({ variable: 'ok', offset: H / 2 });
  });

  it('gives $start / $end what the run says they are, and null without one', () => {
    const run = (name: 'start' | 'end') => (name === 'start' ? { variable: 'reg', offset: -D } : null);
    expect(timeOffset(parseExpr('$start - $lookback'), params, run)).toEqual({ variable: 'reg', offset: -31 * D });
    expect(timeOffset(parseExpr('$end'), params, run)).toBeNull();
    expect(timeOffset(parseExpr('$start'), params)).toBeNull();
  });

  it('refuses anything but a time plus constants', () => {
    for (const src of ['ok.ip', 'ok.time * 2', '1h - ok.time', 'ok.time - $name', '1h']) expect(timeOffset(parseExpr(src), params), src).toBeNull();
  });
});

describe('judge horizons and window offsets of the built-in detectors', () => {
  const catalog = loadCatalog();
  const pattern = (id: string) => catalog.get(id)!.pattern;

  it('sum the sizes of the constants (a bounded horizon where windows are two-sided)', () => {
    expect(judgeHorizon(pattern('mfa-fatigue'))).toBe(H);
    // Hunt 1: the baseline [$start - 30d, $start] under the rule $start = reg.time - 1d.
    expect(judgeHorizon(pattern('mfa-registration-unseen-ip'))).toBe(31 * D);
    // The change within 1d after the sign-in, the lookback 30d before it.
    expect(judgeHorizon(pattern('new-country-then-mfa-change'))).toBe(31 * D);
    // The spray counted within 1d before the success: no collapse, so a bounded horizon too.
    expect(judgeHorizon(pattern('password-spray-then-success'))).toBe(D);
  });

  it('give sub-clause windows as signed offsets from the match clause (or the anchor under its rule)', () => {
    const p = pattern('mfa-registration-unseen-ip');
    expect(windowOffsets(p.absent[0]!, 'reg', p, p.params)).toEqual({ lo: -31 * D, hi: -D });
    const f = pattern('mfa-fatigue');
    expect(windowOffsets(f.aggregate[0]!, 'ok', f, f.params)).toEqual({ lo: -H, hi: 0 });
  });
});
