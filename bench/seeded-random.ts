/** The seeded random draws the synthetic benchmarks share, so every run builds the same data. */

/** Seeded draws: a uniform number, an integer below n, a pick, a skewed pick (low indexes likelier), an IPv4. */
export interface SeededRandom {
  rand(): number;
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
  /** Pick with index xs.length * rand()^power: power 2 or 3 gives a few heavy items and a long tail. */
  skew<T>(xs: readonly T[], power: number): T;
  ipv4(): string;
}

/** mulberry32: a small, fast seeded PRNG (quality is ample for synthetic data). */
export function seededRandom(seed: number): SeededRandom {
  let a = seed >>> 0;
  const rand = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(rand() * n);
  return {
    rand,
    int,
    pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]!,
    skew: <T>(xs: readonly T[], power: number): T => xs[Math.floor(xs.length * rand() ** power)]!,
    ipv4: () => `${int(223) + 1}.${int(256)}.${int(256)}.${int(256)}`,
  };
}
