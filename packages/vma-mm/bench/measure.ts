/**
 * The timing harness: every workload runs on both backends in one process,
 * interleaved sample by sample (maple, legacy, legacy, maple, ...) so that
 * drift on a shared machine hits both alike. A sample times one call of the
 * workload's body after an untimed setup; the figure reported is the median
 * sample divided by the operations it performed.
 */
import type { BackendName } from '../src/index.js';

export const BACKENDS: readonly BackendName[] = ['maple', 'legacy'];

/** A workload: `setup` runs untimed before each sample and returns the timed body. */
export interface Workload {
  group: string;
  name: string;
  /** VMAs in the address space (for the table), or undefined for traces. */
  vmas?: number;
  /** Operations one body call performs. */
  ops: number;
  setup(backend: BackendName): () => unknown;
}

/** Median time per operation for each backend, in nanoseconds. */
export interface Result {
  workload: Workload;
  nsPerOp: Record<BackendName, number>;
  samples: number;
}

export interface SampleOptions {
  /** Fewest samples per backend. */
  minSamples: number;
  /** Keep sampling until both backends have spent this long (ms), or maxSamples. */
  minTimeMs: number;
  maxSamples: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** A value the optimiser cannot prove unused. */
export let sink: unknown;

/** Runs one workload on both backends, interleaved; one warm-up sample each is discarded. */
export function run(w: Workload, opt: SampleOptions): Result {
  const times: Record<BackendName, number[]> = { maple: [], legacy: [] };
  const spent: Record<BackendName, number> = { maple: 0, legacy: 0 };
  for (let round = -1; round < opt.maxSamples; round++) {
    const order = round & 1 ? [...BACKENDS].reverse() : BACKENDS;
    for (const b of order) {
      const body = w.setup(b);
      const t0 = process.hrtime.bigint();
      sink = body();
      const dt = Number(process.hrtime.bigint() - t0);
      if (round >= 0) {
        times[b].push(dt);
        spent[b] += dt / 1e6;
      }
    }
    const n = round + 1;
    if (n >= opt.minSamples && spent.maple >= opt.minTimeMs && spent.legacy >= opt.minTimeMs) break;
  }
  return {
    workload: w,
    nsPerOp: { maple: median(times.maple) / w.ops, legacy: median(times.legacy) / w.ops },
    samples: times.maple.length,
  };
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
