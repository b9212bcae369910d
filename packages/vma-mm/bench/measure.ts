/**
 * The timing harness: every workload runs on every variant in one process,
 * interleaved sample by sample (maple, legacy, seed, then rotated) so that
 * drift on a shared machine hits all alike. A sample times one call of the
 * workload's body after an untimed setup; the figure reported is the median
 * sample divided by the operations it performed. (A forced full collection
 * before each sample was tried and dropped: it left the heap cache-cold and
 * doubled the per-operation figures of the short loops.)
 *
 * Samples are CPU time of the process (getrusage: user + system, all its
 * threads, microsecond resolution), not wall time: on a shared machine wall
 * time of the same loop varied 2-4x between samples while its CPU time
 * stayed within a few per cent.
 */

/**
 * What runs: the two backends; the maple backend with its caches off
 * (`vmaCache: false`: no VMA cache, and the hole and area records last only
 * until the next write, Linux 6.1's own path), which shows what the tree
 * gives without them; and the seed's maple index (the baseline of the
 * look-up work).
 */
export type Variant = 'maple' | 'legacy' | 'bare' | 'seed';
export const VARIANTS: readonly Variant[] = ['maple', 'legacy', 'bare', 'seed'];

/** A workload: `setup` runs untimed before each sample and returns the timed body. */
export interface Workload {
  group: string;
  name: string;
  /** VMAs in the address space (for the table), or undefined for traces. */
  vmas?: number;
  /** Operations one body call performs. */
  ops: number;
  /** The variants this workload runs on (default all). */
  variants?: readonly Variant[];
  setup(variant: Variant): () => unknown;
}

/** Median time per operation for each variant run, in nanoseconds. */
export interface Result {
  workload: Workload;
  nsPerOp: Partial<Record<Variant, number>>;
  samples: number;
}

export interface SampleOptions {
  /** Fewest samples per backend. */
  minSamples: number;
  /** Keep sampling until both backends have spent this long (ms), or maxSamples. */
  minTimeMs: number;
  /** Untimed warm-up per variant before the first sample (ms of CPU time; at least two rounds). */
  warmupMs: number;
  maxSamples: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** A value the optimiser cannot prove unused. */
export let sink: unknown;

/**
 * Runs one workload on its variants, interleaved. Untimed warm-up rounds come
 * first, until every variant has run at least two of them and `warmupMs` of
 * CPU time, so that samples measure code the JIT has already optimised (a
 * single warm-up sample left the long traces, 40-60 ms a replay, partly
 * measured before the core's store paths were optimised).
 */
export function run(w: Workload, opt: SampleOptions): Result {
  const variants = w.variants ?? VARIANTS;
  const times = new Map<Variant, number[]>(variants.map((v) => [v, []]));
  const spent = new Map<Variant, number>(variants.map((v) => [v, 0]));
  const warm = new Map<Variant, number>(variants.map((v) => [v, 0]));
  let warmRounds = 0;
  while (warmRounds < 2 || variants.some((v) => (warm.get(v) ?? 0) < opt.warmupMs)) {
    for (const v of variants) {
      const body = w.setup(v);
      const c0 = process.cpuUsage();
      sink = body();
      const c = process.cpuUsage(c0);
      warm.set(v, (warm.get(v) ?? 0) + (c.user + c.system) / 1000);
    }
    warmRounds++;
  }
  let n = 0;
  for (let round = 0; round < opt.maxSamples; round++) {
    const k = round % variants.length;
    const order = [...variants.slice(k), ...variants.slice(0, k)];
    for (const v of order) {
      const body = w.setup(v);
      const c0 = process.cpuUsage();
      sink = body();
      const c = process.cpuUsage(c0);
      const dt = (c.user + c.system) * 1000;
      times.get(v)?.push(dt);
      spent.set(v, (spent.get(v) ?? 0) + dt / 1e6);
    }
    n = round + 1;
    if (n >= opt.minSamples && variants.every((v) => (spent.get(v) ?? 0) >= opt.minTimeMs)) break;
  }
  const nsPerOp: Partial<Record<Variant, number>> = {};
  for (const v of variants) nsPerOp[v] = median(times.get(v) ?? []) / w.ops;
  return { workload: w, nsPerOp, samples: n };
}

/** A seeded PRNG (mulberry32), so every run does the same work. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** ns/op with 3 significant figures, as us or ms when large. */
export function fmtTime(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toPrecision(3)} ms`;
  if (ns >= 1e4) return `${(ns / 1e3).toPrecision(3)} us`;
  return ns >= 100 ? `${Math.round(ns)} ns` : `${ns.toPrecision(3)} ns`;
}
