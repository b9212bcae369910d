/**
 * A tiny seeded pseudo-random generator (mulberry32) shared by the fuzzer's
 * CLI and the benchmarks, so that every run with the same seed sees the same
 * data. Not for cryptography: 32 bits of state, period 2^32.
 */

/** A seeded source of pseudo-random numbers. */
export class Random {
  private state: number;

  /** @param seed - any 32-bit integer; equal seeds give equal sequences */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Next 32-bit unsigned integer (mulberry32's step). */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.nextU32() / 4294967296;
  }

  /** An integer in [0, n) for n up to 2^53 (two draws when n exceeds 2^32). */
  below(n: number): number {
    if (n <= 4294967296) return Math.floor(this.float() * n);
    const wide = this.nextU32() * 2097152 + (this.nextU32() >>> 11); // 53 random bits
    return wide % n;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  /** Fisher-Yates shuffle in place; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }
}
