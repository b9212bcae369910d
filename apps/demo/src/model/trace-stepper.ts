/**
 * Replaying a vmtrace/1 history one system call at a time, so that the
 * visualiser can play, pause, step and scrub, and the CLI can show progress.
 *
 * The replay itself is @maple-tree/vma-mm's TraceReplayer (the same code
 * replayTrace runs); this adds what the views want on top: the address each
 * call was about (to highlight it), one snapshot verdict per step, and a
 * tally with the first wrong answer as numbers.
 */
import {
  type AddressSpace,
  type AddressSpaceOptions,
  type BackendName,
  type TraceHeader,
  type TraceRecord,
  TraceReplayer,
  type StepResult as VmaStepResult,
} from '@maple-tree/vma-mm';

/** What one op did. */
export interface StepResult {
  /** The op's number in the trace (`i`, from 1). */
  i: number;
  op: string;
  /** Our answer (address, 0, or -errno); undefined for calls that do not change the layout. */
  answer?: number;
  /** The kernel's recorded answer, same convention. */
  expected?: number;
  /** The address the call was about (its result, or its `addr` argument), for highlighting. */
  focus?: number;
  /** A recorded maps snapshot taken right after this op, and whether ours equals it. */
  snapshot?: { lines: string[]; matched: boolean };
}

/** Running tally of a replay (the same counts as replayTrace's result). */
export interface Tally {
  ops: number;
  answered: number;
  answersMatched: number;
  snapshots: number;
  snapshotsMatched: number;
  firstAnswerMismatch?: { i: number; op: string; expected: number; actual: number };
  firstSnapshotMismatch?: { at: number; expected: string[]; actual: string[] };
}

/** Options of a {@link TraceStepper}. */
export interface StepperOptions {
  /** The maple backend's tree factory (e.g. a VersionedMapleTree, for snapshots of mm->mm_mt). */
  mapleTree?: AddressSpaceOptions['mapleTree'];
}

/** The `addr` argument of an op record, when it has a readable one. */
function addrOf(a: unknown): number | undefined {
  if (typeof a === 'number') return a;
  if (typeof a === 'string' && /^(0x[0-9a-f]+|[0-9]+)$/i.test(a)) return Number(BigInt(a));
  return undefined;
}

/** The address a call was about: what it returned (a mapping's address, the new break), else its `addr`. */
function focusOf(r: VmaStepResult): number | undefined {
  if (r.answer === undefined) return undefined;
  if (r.answer >= 0 && r.op !== 'munmap' && r.op !== 'mprotect') return r.answer;
  return addrOf(r.record.addr);
}

/** Steps an AddressSpace through a parsed trace. */
export class TraceStepper {
  readonly header: TraceHeader;
  readonly backend: BackendName;
  /** Number of op records in the trace. */
  readonly totalOps: number;
  private readonly replayer: TraceReplayer;
  private firstAnswerMismatch: Tally['firstAnswerMismatch'];

  /**
   * @param records - a trace parsed by parseTrace
   * @param backend - VMA index to replay on
   * @throws TraceFormatError when there is no at:0 maps record before the first op
   */
  constructor(
    readonly records: readonly TraceRecord[],
    backend: BackendName = 'maple',
    options: StepperOptions = {},
  ) {
    this.backend = backend;
    this.replayer = new TraceReplayer(records, { backend, mapleTree: options.mapleTree });
    this.header = this.replayer.header;
    this.totalOps = this.replayer.totalOps;
    this.reset();
  }

  /** The address space as replayed so far. */
  get mm(): AddressSpace {
    return this.replayer.mm;
  }

  /** Ops applied so far (0 = the starting layout). */
  get position(): number {
    return this.replayer.position;
  }

  /** True when every op has been applied. */
  get done(): boolean {
    return this.replayer.done;
  }

  /** The counts so far, with the first wrong answer and the first differing snapshot. */
  get tally(): Tally {
    const { ops, answered, answersMatched, snapshots, snapshotsMatched, snapshotMismatches } =
      this.replayer.tally;
    const t: Tally = { ops, answered, answersMatched, snapshots, snapshotsMatched };
    if (this.firstAnswerMismatch) t.firstAnswerMismatch = this.firstAnswerMismatch;
    if (snapshotMismatches[0]) t.firstSnapshotMismatch = snapshotMismatches[0];
    return t;
  }

  /** Back to the starting layout (before op 1): a new address space, built from maps at:0. */
  reset(): void {
    this.replayer.reset();
    this.firstAnswerMismatch = undefined;
    void this.replayer.mm;
  }

  /**
   * Applies the next op (and the open/maps records up to the op after it).
   * @returns what the op did, or undefined at the end of the trace
   */
  step(): StepResult | undefined {
    const r = this.replayer.step();
    if (!r) return undefined;
    const res: StepResult = { i: r.i, op: r.op, focus: focusOf(r) };
    if (r.answer !== undefined) {
      res.answer = r.answer;
      res.expected = r.expected;
      if (!r.matched) {
        this.firstAnswerMismatch ??= { i: r.i, op: r.op, expected: r.expected!, actual: r.answer };
      }
    }
    const snap = r.snapshots.at(-1);
    if (snap) res.snapshot = { lines: snap.record.lines, matched: snap.matched };
    return res;
  }

  /**
   * Moves to just after op number `n` (0 = the start), replaying from the
   * start when going backwards.
   * @returns the result of op n when it was applied by this call
   */
  seek(n: number): StepResult | undefined {
    const target = Math.max(0, Math.min(Math.trunc(n), this.totalOps));
    if (target < this.position) this.reset();
    let last: StepResult | undefined;
    while (this.position < target) last = this.step();
    return last;
  }

  /**
   * Applies every remaining op.
   * @param onProgress - called every `every` ops with (position, total)
   */
  run(onProgress?: (position: number, total: number) => void, every = 256): Tally {
    while (!this.done) {
      this.step();
      if (onProgress && (this.position % every === 0 || this.done)) onProgress(this.position, this.totalOps);
    }
    return this.tally;
  }
}
