/**
 * Timing and memory measurement. Times come from tinybench (the median of
 * its per-call latency samples); memory from `process.memoryUsage()` deltas
 * (`heapUsed` + `arrayBuffers`) around a build, with garbage collected before
 * each reading.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Bench } from 'tinybench';

/** How long to sample a task. */
export interface TimingOptions {
  /** Minimum sampling time per task, ms. */
  time: number;
  /** Minimum number of calls sampled. */
  iterations: number;
  /** Warm-up time, ms. */
  warmupTime: number;
}

/** A timed task: median latency of one call, and how many calls were sampled. */
export interface Timing {
  medianMs: number;
  samples: number;
}

/** A call slower than this is sampled only {@link HEAVY_SAMPLES} times (after one timed trial call). */
export const HEAVY_CALL_MS = 50;
export const HEAVY_SAMPLES = 3;

/**
 * Samples `fn` with tinybench and returns the median call latency. A call
 * slower than {@link HEAVY_CALL_MS} (a clone or full scan of 10^6 ranges in
 * a slow peer) is sampled {@link HEAVY_SAMPLES} times with one warm-up, so a
 * full run stays in minutes.
 */
export async function time(name: string, fn: () => unknown, options: TimingOptions): Promise<Timing> {
  const t0 = performance.now();
  fn();
  const heavy = options.time > 0 && performance.now() - t0 > HEAVY_CALL_MS;
  const iterations = heavy ? Math.min(HEAVY_SAMPLES, options.iterations) : options.iterations;
  const bench = new Bench({
    time: heavy ? 0 : options.time,
    iterations,
    warmupTime: heavy ? 0 : options.warmupTime,
    warmupIterations: heavy ? 1 : Math.min(16, iterations),
    throws: true,
  });
  bench.add(name, fn);
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state === 'errored') throw result.error;
  if (result.state !== 'completed') throw new Error(`${name}: tinybench ended in state ${result.state}`);
  return { medianMs: result.latency.p50, samples: result.latency.samplesCount };
}

let gcFn: (() => void) | undefined;

/** `global.gc`, enabled at run time when Node was not started with --expose-gc. */
export function collectGarbage(): void {
  if (gcFn === undefined) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed !== undefined) gcFn = exposed;
    else {
      setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    }
  }
  gcFn();
  gcFn();
}

function used(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Bytes retained by what `build` returns, per `count` items. */
export function bytesPer<T>(build: () => T, count: number): number {
  collectGarbage();
  const before = used();
  const kept = build();
  collectGarbage();
  const after = used();
  if (kept === undefined) throw new Error('unreachable');
  return (after - before) / count;
}
