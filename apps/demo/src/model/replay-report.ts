/**
 * The demo's main act, environment-neutral (the CLI prints it, the tests
 * check it): replay one trace on both VMA backends, judge each against the
 * kernel's recording, and describe the final address space and its tree.
 */
import {
  type BackendName,
  diffMaps,
  replayTrace,
  type TraceHeader,
  type TraceRecord,
} from '@maple-tree/vma-mm';
import { mapleTreeOf } from './layout.js';
import { countActivity, type TreeActivity } from './op-trace.js';
import { type Tally, TraceStepper } from './trace-stepper.js';
import { type TreeShape, treeShape } from './tree-shape.js';
import { readTree } from './tree-view.js';

/** The two backends, in the order they are shown. */
export const BACKENDS: readonly BackendName[] = ['maple', 'legacy'];

/** How the final /proc/PID/maps compares with the kernel's last snapshot. */
export interface FinalVerdict {
  /** The op after which the kernel's last snapshot was taken. */
  at: number;
  identical: boolean;
  /** The first line that differs (kernel's and ours), when not identical. */
  firstDifference?: { kernel: string | null; ours: string | null };
}

/** One backend's replay. */
export interface BackendRun {
  backend: BackendName;
  tally: Tally;
  final: FinalVerdict | null;
  /** Whole-trace replay time through vma-mm's replayTrace: median of `runs` (alternating backends), in ms. */
  medianMs: number;
  runs: number;
}

/** Everything the demo reports about one trace. */
export interface DemoReport {
  trace: string;
  /** The recorded program (real traces) or the synthetic driver's profile. */
  program: string;
  /** A real program's history (its page faults, not in the log, decide some merges) or a synthetic one. */
  origin: 'real' | 'synthetic';
  arch: string;
  kernel: string;
  ops: number;
  backends: BackendRun[];
  /** True when both backends gave the same answers and the same final maps. */
  backendsAgree: boolean;
  maps: string[];
  shape: TreeShape | null;
  /** What the replay did to the maple tree (store cases, gap searches), from the core's trace hook. */
  activity: TreeActivity | null;
}

/** Options of {@link buildReport}. */
export interface ReportOptions {
  /** Called as the verdict replays progress (ops done, ops total, backend). */
  onProgress?: (done: number, total: number, backend: BackendName) => void;
  /** Called when the timing phase starts (it has no finer progress). */
  onTiming?: () => void;
  /** Timed whole-trace replays per backend (after a warm-up); default: as many as fit ~500 ms, 3 to 50. */
  runs?: number;
}

function finalVerdict(records: readonly TraceRecord[], stepper: TraceStepper): FinalVerdict | null {
  let last: Extract<TraceRecord, { kind: 'maps' }> | undefined;
  for (const r of records) if (r.kind === 'maps' && (!last || r.at >= last.at)) last = r;
  if (!last || last.at !== stepper.totalOps) return null;
  const ours = stepper.mm.procMaps().trimEnd().split('\n');
  const { missing, extra } = diffMaps(last.lines, ours);
  if (missing.length === 0 && extra.length === 0 && last.lines.length === ours.length) {
    return { at: last.at, identical: true };
  }
  return {
    at: last.at,
    identical: false,
    firstDifference: { kernel: missing[0] ?? null, ours: extra[0] ?? null },
  };
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/**
 * Times whole-trace replays of both backends: ~150 ms of untimed warm-up
 * replays each (so the JIT has compiled both hot paths), then timed replays
 * that alternate between the backends (so that background load hits both
 * alike): `runs` each, or as many as fit ~500 ms (3 to 50 each).
 * @returns the median time per backend, and the runs each
 */
function timeBackends(
  records: TraceRecord[],
  runs?: number,
): { median: Record<BackendName, number>; runs: number } {
  for (const backend of BACKENDS) {
    const warmUntil = now() + 150;
    do replayTrace(records, { backend });
    while (now() < warmUntil);
  }
  const times: Record<BackendName, number[]> = { maple: [], legacy: [] };
  let total = 0;
  const want = runs ?? 50;
  let n = 0;
  while (n < want && (runs !== undefined || n < 3 || total < 500)) {
    for (const backend of BACKENDS) {
      const t = replayTrace(records, { backend }).timeMs;
      times[backend].push(t);
      total += t;
    }
    n++;
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { median: { maple: median(times.maple), legacy: median(times.legacy) }, runs: n };
}

/**
 * Replays `records` on both backends and measures them.
 * @param name - the trace's file name, for the report
 */
export function buildReport(name: string, records: TraceRecord[], options: ReportOptions = {}): DemoReport {
  const header = records[0] as TraceHeader;
  const runs: BackendRun[] = [];
  let maple: TraceStepper | undefined;
  const answers: string[] = [];
  const finals: string[] = [];
  let activity: TreeActivity | undefined;
  for (const backend of BACKENDS) {
    const stepper = new TraceStepper(records, backend);
    const mine: string[] = [];
    const counted = countActivity(stepper.mm, () => {
      while (!stepper.done) {
        const r = stepper.step();
        if (r?.answer !== undefined) mine.push(String(r.answer));
        if (options.onProgress && (stepper.position % 256 === 0 || stepper.done)) {
          options.onProgress(stepper.position, stepper.totalOps, backend);
        }
      }
    });
    activity ??= counted;
    answers.push(mine.join());
    finals.push(stepper.mm.procMaps());
    if (backend === 'maple') maple = stepper;
    runs.push({ backend, tally: stepper.tally, final: finalVerdict(records, stepper), medianMs: 0, runs: 0 });
  }
  options.onTiming?.();
  const timing = timeBackends(records, options.runs);
  for (const run of runs) {
    run.medianMs = timing.median[run.backend];
    run.runs = timing.runs;
  }
  const maps = maple!.mm.procMaps().trimEnd().split('\n');
  const tree = mapleTreeOf(maple!.mm);
  return {
    trace: name,
    program: String(header.program ?? header.profile ?? 'unknown'),
    origin: header.program !== undefined ? 'real' : 'synthetic',
    arch: header.arch,
    kernel: String(header.kernel ?? 'unknown'),
    ops: maple!.totalOps,
    backends: runs,
    backendsAgree: answers[0] === answers[1] && finals[0] === finals[1],
    maps,
    shape: tree ? treeShape(readTree(tree)) : null,
    activity: activity ?? null,
  };
}
