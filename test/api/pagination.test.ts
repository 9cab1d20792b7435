import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSortKeys, decodeCursor, encodeCursor, MAX_PAGE_SIZE, pageQuery, paginate } from '../../api/pagination.js';
import { isIdgraphError } from '../../src/errors.js';
import type { Harness, Item } from './harness.js';
import { call, ITEMS, startHarness } from './harness.js';

describe('cursors', () => {
  it('round-trip any sort key and are base64url', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null)), { minLength: 1, maxLength: 5 }), (key) => {
        const cursor = encodeCursor(key);
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeCursor(cursor)).toEqual(key.map((k) => (Object.is(k, -0) ? 0 : k)));
      }),
    );
  });

  it('reject tampered or foreign cursors with BAD_INPUT naming query.cursor', () => {
    for (const bad of ['', 'not base64!', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[]').toString('base64url'), Buffer.from('[{}]').toString('base64url'), 'e30']) {
      let err: unknown;
      try {
        decodeCursor(bad);
      } catch (e) {
        err = e;
      }
      expect(isIdgraphError(err, 'BAD_INPUT'), bad).toBe(true);
      expect((err as { details: { path: string[] }[] }).details[0]!.path).toEqual(['query', 'cursor']);
    }
  });

  it('order keys component-wise, null first, numbers before strings', () => {
    expect(compareSortKeys([1, 'b'], [1, 'a'])).toBeGreaterThan(0);
    expect(compareSortKeys([null], [0])).toBeLessThan(0);
    expect(compareSortKeys([5], ['a'])).toBeLessThan(0);
    expect(compareSortKeys([2], [10])).toBeLessThan(0);
    expect(compareSortKeys(['x'], ['x', 1])).toBeLessThan(0);
    expect(compareSortKeys(['x', 1], ['x', 1])).toBe(0);
  });
});

describe('pageQuery', () => {
  it('defaults limit to 50, coerces strings, caps at 500', () => {
    expect(pageQuery.parse({})).toEqual({ limit: 50 });
    expect(pageQuery.parse({ limit: '500', cursor: 'abc' })).toEqual({ limit: 500, cursor: 'abc' });
    for (const limit of ['501', '0', '-1', '2.5', 'ten']) expect(pageQuery.safeParse({ limit }).success, limit).toBe(false);
  });
});

describe('paginate', () => {
  it('walking every page yields each item once, in order, for any list and page size', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ id: fc.string({ minLength: 1, maxLength: 6 }), score: fc.integer({ min: 0, max: 5 }) }), { selector: (r) => r.id, maxLength: 80 }),
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom('asc' as const, 'desc' as const),
        (items, limit, order) => {
          const keyOf = (r: { id: string; score: number }) => [r.score, r.id] as const;
          const seen: { id: string; score: number }[] = [];
          let cursor: string | undefined;
          for (let pages = 0; pages <= items.length + 1; pages++) {
            const page = paginate(items, { limit, cursor }, keyOf, order);
            expect(page.items.length).toBeLessThanOrEqual(limit);
            seen.push(...page.items);
            if (page.nextCursor === null) break;
            cursor = page.nextCursor;
          }
          const sign = order === 'asc' ? 1 : -1;
          const expected = [...items].sort((a, b) => sign * compareSortKeys(keyOf(a), keyOf(b)));
          expect(seen).toEqual(expected);
        },
      ),
    );
  });

  it('refuses a limit over the maximum', () => {
    expect(() => paginate([], { limit: MAX_PAGE_SIZE + 1 }, () => [1])).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});

describe('pagination over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('pages through a filtered list with limit and cursor, descending by score then id', async () => {
    const all: Item[] = [];
    let url = `${h.url}/v1/test/items?kind=user&limit=13`;
    let pages = 0;
    for (;;) {
      const r = await call(url, { token: h.tokens.read });
      expect(r.status).toBe(200);
      expect(r.body.items.length).toBeLessThanOrEqual(13);
      all.push(...r.body.items);
      pages++;
      if (r.body.nextCursor === null) break;
      url = `${h.url}/v1/test/items?kind=user&limit=13&cursor=${r.body.nextCursor}`;
    }
    const users = ITEMS.filter((i) => i.kind === 'user');
    expect(all.map((i) => i.id).sort()).toEqual(users.map((i) => i.id).sort());
    expect(pages).toBe(Math.ceil(users.length / 13));
    for (let i = 1; i < all.length; i++) expect(compareSortKeys([all[i - 1]!.score, all[i - 1]!.id], [all[i]!.score, all[i]!.id])).toBeGreaterThan(0);
  });

  it('defaults to 50 items and rejects limit=501 and a forged cursor with 400', async () => {
    const first = await call(`${h.url}/v1/test/items`, { token: h.tokens.read });
    expect(first.body.items).toHaveLength(50);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const over = await call(`${h.url}/v1/test/items?limit=501`, { token: h.tokens.read });
    expect(over.status).toBe(400);
    expect(over.body.error.details[0].path).toEqual(['query', 'limit']);
    const forged = await call(`${h.url}/v1/test/items?cursor=${Buffer.from('{"x":1}').toString('base64url')}`, { token: h.tokens.read });
    expect(forged.status).toBe(400);
    expect(forged.body.error.details[0].path).toEqual(['query', 'cursor']);
  });
});
