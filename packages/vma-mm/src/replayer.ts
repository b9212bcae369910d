/**
 * Replaying a vmtrace/1 history (see fixtures/traces/FORMAT.md) against an
 * AddressSpace: record by record, op by op, or all at once.
 *
 *   open     -> fd table                    (applyTraceOp resolves fd -> file)
 *   close    -> the fd leaves the table     (an mmap of it: EBADF)
 *   size     -> the file's new size         (mlock / populate past it fail)
 *   seals    -> the memfd's new seals       (write seals: shared writable mmap EPERM)
 *   shm      -> a System V segment          (for the shmat calls that follow)
 *   unlink   -> the file's name + " (deleted)" (trace-files.ts)
 *   rename   -> the file's new name
 *   fault    -> AddressSpace.fault          (a stack grown by page faults)
 *   maps at:0 -> AddressSpace.fromMaps       later maps -> procMaps() compared
 *   op       -> applyTraceOp -> syscall      answer compared with ret / err (trace-ops.ts)
 *                                           (madvise: flag, guard and populate advice only;
 *                                           mlock, mlock2, munlock, mlockall,
 *                                           munlockall, mseal, pkey_mprotect with
 *                                           key -1, shmat, shmdt, ia32's ipc too)
 *
 * TraceReplayer is the one implementation of that mapping and of the
 * comparisons: `nextRecord()` handles one record, `step()` one op and the
 * records up to the next op, `seek(n)` goes to just after op n (replaying
 * from the start to go back). replayTrace is a loop over `nextRecord()`.
 */
import { AddressSpace } from './address-space.js';
import type { BackendName } from './backend/types.js';
import type { AddressSpaceOptions } from './mm.js';
import type { ShmSegment } from './shm.js';
import {
  headerOptions,
  hexValue,
  snapshotsEqual,
  TraceFormatError,
  type TraceHeader,
  type TraceRecord,
} from './trace.js';
import {
  TraceFiles,
  type TraceOpenRecord,
  type TraceRenameRecord,
  type TraceSealsRecord,
  type TraceShmRecord,
  type TraceSizeRecord,
  type TraceUnlinkRecord,
} from './trace-files.js';
import { applyTraceOp } from './trace-ops.js';
import type { MappedFile } from './vma.js';

export type {
  TraceOpenRecord,
  TraceRenameRecord,
  TraceSealsRecord,
  TraceShmRecord,
  TraceSizeRecord,
  TraceUnlinkRecord,
} from './trace-files.js';
export { applyTraceOp } from './trace-ops.js';

/** An `op` record of a trace. */
export type TraceOpRecord = Extract<TraceRecord, { kind: 'op' }>;
/** A `close` record of a trace. */
export type TraceCloseRecord = Extract<TraceRecord, { kind: 'close' }>;
/** A `fault` record of a trace. */
export type TraceFaultRecord = Extract<TraceRecord, { kind: 'fault' }>;
/** A `maps` record of a trace. */
export type TraceMapsRecord = Extract<TraceRecord, { kind: 'maps' }>;

/** One op whose answer differed. */
export interface AnswerMismatch {
  i: number;
  op: string;
  expected: string;
  actual: string;
}

/** One snapshot that differed. */
export interface SnapshotMismatch {
  at: number;
  expected: string[];
  actual: string[];
}

/** What a replay has seen so far (the counts replayTrace returns). */
export interface ReplayTally {
  /** Op records applied (answered or skipped). */
  ops: number;
  /** Ops that change the layout and were answered. */
  answered: number;
  answersMatched: number;
  snapshots: number;
  snapshotsMatched: number;
  answerMismatches: AnswerMismatch[];
  snapshotMismatches: SnapshotMismatch[];
}

/** An `open` record handled: its fd now names `file`. */
export interface OpenEvent {
  kind: 'open';
  record: TraceOpenRecord;
  file: MappedFile;
}

/** A `close` record handled: its fd names nothing now. */
export interface CloseEvent {
  kind: 'close';
  record: TraceCloseRecord;
}

/** A `size` record handled: the file has its new size in `vmas` VMAs (and its fds). */
export interface SizeEvent {
  kind: 'size';
  record: TraceSizeRecord;
  vmas: number;
}

/** A `seals` record handled: the memfd has its new seals in `vmas` VMAs (and its fds). */
export interface SealsEvent {
  kind: 'seals';
  record: TraceSealsRecord;
  vmas: number;
}

/** A `shm` record handled: the segment with its id is `segment` for the shmat calls that follow. */
export interface ShmEvent {
  kind: 'shm';
  record: TraceShmRecord;
  segment: ShmSegment;
}

/** An `unlink` record handled: `vmas` VMAs now print the file's name with " (deleted)". */
export interface UnlinkEvent {
  kind: 'unlink';
  record: TraceUnlinkRecord;
  vmas: number;
}

/** A `rename` record handled: `vmas` VMAs now print the file's new name. */
export interface RenameEvent {
  kind: 'rename';
  record: TraceRenameRecord;
  vmas: number;
}

/** A `fault` record applied: `answer` is 0, or -errno where the fault would have been SIGSEGV. */
export interface FaultEvent {
  kind: 'fault';
  record: TraceFaultRecord;
  answer: number;
}

/** A `maps` record compared with our /proc/PID/maps (built from it when it is the at:0 record). */
export interface SnapshotEvent {
  kind: 'maps';
  record: TraceMapsRecord;
  at: number;
  /** Our maps lines at that point. */
  actual: string[];
  matched: boolean;
}

/** An `op` record applied. */
export interface OpEvent {
  kind: 'op';
  record: TraceOpRecord;
  /** The op's number in the trace (`i`). */
  i: number;
  op: string;
  /** Our answer (address, 0, or -errno); undefined for a call that does not change the layout (skipped). */
  answer?: number;
  /** The kernel's recorded answer, same convention; set when `answer` is. */
  expected?: number;
  /** answer === expected; set when `answer` is. */
  matched?: boolean;
}

/** What one record did. */
export type ReplayEvent =
  | OpenEvent
  | CloseEvent
  | SizeEvent
  | SealsEvent
  | ShmEvent
  | UnlinkEvent
  | RenameEvent
  | FaultEvent
  | SnapshotEvent
  | OpEvent;

/** What one op did, with the snapshots recorded right after it (before the next op). */
export interface StepResult extends OpEvent {
  snapshots: SnapshotEvent[];
}

/** Options of a TraceReplayer. */
export interface ReplayerOptions {
  /** VMA index to replay on; default maple. */
  backend?: BackendName;
  /** The maple backend's tree factory (see AddressSpaceOptions.mapleTree). */
  mapleTree?: AddressSpaceOptions['mapleTree'];
}

/** An answer as replayTrace reports it: `0x...` or `err N`. */
export function answerText(v: number): string {
  return v < 0 ? `err ${-v}` : `0x${v.toString(16)}`;
}

/**
 * Steps an AddressSpace through a parsed trace, comparing every answer and
 * snapshot with the kernel's as it goes.
 *
 * The address space is built from the at:0 maps record the first time it is
 * needed (`mm`, `step()`, `seek()`); `nextRecord()` leaves it to that record.
 */
export class TraceReplayer {
  readonly header: TraceHeader;
  /** Number of op records in the trace. */
  readonly totalOps: number;
  /** The counts and mismatches so far. */
  tally!: ReplayTally;
  private readonly options: AddressSpaceOptions;
  private space: AddressSpace | undefined;
  private files!: TraceFiles;
  /** Index of the next record to handle. */
  private cursor = 1;
  private applied = 0;

  /**
   * @param records - a trace parsed by parseTrace (the header first)
   * @param options - address-space options over the header's
   * @throws TraceFormatError when the first record is not a header
   */
  constructor(
    readonly records: readonly TraceRecord[],
    options: ReplayerOptions = {},
  ) {
    const header = records[0];
    if (header?.kind !== 'header') throw new TraceFormatError('the first record must be the header', 1);
    this.header = header;
    this.options = headerOptions(header, options.backend);
    if (options.mapleTree !== undefined) this.options.mapleTree = options.mapleTree;
    this.totalOps = records.reduce((n, r) => n + (r.kind === 'op' ? 1 : 0), 0);
    this.reset();
  }

  /** Back to before the first record (the address space is rebuilt when next needed). */
  reset(): void {
    this.cursor = 1;
    this.applied = 0;
    this.space = undefined;
    this.files = new TraceFiles();
    this.tally = {
      ops: 0,
      answered: 0,
      answersMatched: 0,
      snapshots: 0,
      snapshotsMatched: 0,
      answerMismatches: [],
      snapshotMismatches: [],
    };
  }

  /** Ops applied so far (0: the starting layout). */
  get position(): number {
    return this.applied;
  }

  /** True when every op has been applied. */
  get done(): boolean {
    return this.applied >= this.totalOps;
  }

  /** True when every record has been handled. */
  get finished(): boolean {
    return this.cursor >= this.records.length;
  }

  /** The files opened so far, by fd. */
  get openFiles(): ReadonlyMap<number, MappedFile> {
    return this.files.byFd;
  }

  /**
   * The address space, built from the at:0 record if that has not happened yet.
   * @throws TraceFormatError when the trace has no at:0 maps record before its first op
   */
  get mm(): AddressSpace {
    return this.start();
  }

  /** Handles the records before the first op (once): the starting layout. */
  private start(): AddressSpace {
    while (!this.space && !this.finished && this.records[this.cursor]!.kind !== 'op') this.nextRecord();
    if (!this.space) {
      if (this.finished) throw new TraceFormatError('no maps record', this.records.length);
      throw new TraceFormatError('an op before the at:0 maps record', this.cursor + 1);
    }
    return this.space;
  }

  /** The address space if it has been built (undefined before the at:0 record). */
  get current(): AddressSpace | undefined {
    return this.space;
  }

  /**
   * Handles the next record: an open fills the fd table, a maps record is
   * compared (the at:0 one first builds the address space), an op is applied.
   * @returns what the record did, or undefined when every record has been handled
   * @throws TraceFormatError for an inconsistent record (nothing is counted for it)
   */
  nextRecord(): ReplayEvent | undefined {
    while (!this.finished) {
      const n = this.cursor;
      const r = this.records[n]!;
      let event: ReplayEvent | undefined;
      if (r.kind === 'open') event = { kind: 'open', record: r, file: this.files.open(r, n + 1) };
      else if (r.kind === 'close') {
        this.files.close(r, n + 1);
        event = { kind: 'close', record: r };
      } else if (r.kind === 'size')
        event = { kind: 'size', record: r, vmas: this.files.resize(r, this.space, n + 1) };
      else if (r.kind === 'seals')
        event = { kind: 'seals', record: r, vmas: this.files.reseal(r, this.space, n + 1) };
      else if (r.kind === 'shm') event = { kind: 'shm', record: r, segment: this.files.shm(r, n + 1) };
      else if (r.kind === 'unlink')
        event = { kind: 'unlink', record: r, vmas: this.files.unlink(r, this.space, n + 1) };
      else if (r.kind === 'rename')
        event = { kind: 'rename', record: r, vmas: this.files.rename(r, this.space, n + 1) };
      else if (r.kind === 'fault') event = this.fault(r, n + 1);
      else if (r.kind === 'maps') event = this.compare(r, n + 1);
      else if (r.kind === 'op') event = this.apply(r, n + 1);
      this.cursor = n + 1;
      if (event) return event;
    }
    return undefined;
  }

  /**
   * Applies the next op and handles the records after it up to the next op
   * (so a snapshot taken right after the op comes with it).
   * @returns what the op did, or undefined when every op has been applied
   */
  step(): StepResult | undefined {
    if (this.done) return undefined;
    this.start(); // the starting layout first (throws when there is none)
    let result: StepResult | undefined;
    while (!this.finished) {
      if (result && this.records[this.cursor]!.kind === 'op') break;
      const e = this.nextRecord();
      if (!e) break;
      if (e.kind === 'op') result = { ...e, snapshots: [] };
      else if (e.kind === 'maps' && result) result.snapshots.push(e);
    }
    return result;
  }

  /**
   * Moves to just after op `n` (0: the starting layout), replaying from the
   * start when going backwards; `n` is clamped to [0, totalOps].
   * @returns the result of op n when this call applied it
   */
  seek(n: number): StepResult | undefined {
    const target = Math.max(0, Math.min(Math.trunc(n), this.totalOps));
    if (Number.isNaN(target)) throw new RangeError(`seek: ${n} is not a number`);
    if (target < this.applied) this.reset();
    this.start();
    let last: StepResult | undefined;
    while (this.applied < target) last = this.step();
    return last;
  }

  private fault(r: TraceFaultRecord, line: number): FaultEvent {
    if (!this.space) throw new TraceFormatError('a fault before the at:0 maps record', line);
    let addr = Number.NaN;
    try {
      addr = hexValue(r.addr);
    } catch {
      // not a number: refused below
    }
    if (!Number.isFinite(addr)) throw new TraceFormatError('a fault record needs an addr', line);
    return { kind: 'fault', record: r, answer: this.space.fault(addr, r.write !== false) };
  }

  private compare(r: TraceMapsRecord, line: number): SnapshotEvent {
    if (!this.space) this.space = this.build(r, line);
    const actual = this.space.procMaps().trimEnd().split('\n');
    const matched = snapshotsEqual(r.lines, actual);
    const t = this.tally;
    t.snapshots++;
    if (matched) t.snapshotsMatched++;
    else t.snapshotMismatches.push({ at: r.at, expected: r.lines, actual });
    return { kind: 'maps', record: r, at: r.at, actual, matched };
  }

  private build(r: TraceMapsRecord, line: number): AddressSpace {
    if (r.at !== 0) throw new TraceFormatError('the first maps record must be at:0', line);
    if (!Array.isArray(r.lines)) throw new TraceFormatError('maps record without lines', line);
    let mm: AddressSpace;
    try {
      mm = AddressSpace.fromMaps(r.lines.join('\n'), { ...this.options, files: new Map() });
    } catch (e) {
      throw new TraceFormatError(e instanceof Error ? e.message : String(e), line);
    }
    const ps = this.header.page_size;
    if (ps !== undefined && ps !== mm.pageSize) {
      throw new TraceFormatError(`page_size ${ps} but the ${mm.arch.name} profile has ${mm.pageSize}`, 1);
    }
    return mm;
  }

  private apply(r: TraceOpRecord, line: number): OpEvent {
    if (!this.space) throw new TraceFormatError('an op before the at:0 maps record', line);
    const answer = applyTraceOp(this.space, r, this.files.byFd, line, this.files.segments);
    const t = this.tally;
    t.ops++;
    this.applied++;
    const event: OpEvent = { kind: 'op', record: r, i: r.i, op: r.op };
    if (answer === undefined) return event;
    const expected = r.err !== undefined ? -r.err : hexValue(r.ret);
    event.answer = answer;
    event.expected = expected;
    event.matched = answer === expected;
    t.answered++;
    if (event.matched) t.answersMatched++;
    else
      t.answerMismatches.push({
        i: r.i,
        op: r.op,
        expected: answerText(expected),
        actual: answerText(answer),
      });
    return event;
  }
}

/** Result of a replay: the tally, and what it ended with. */
export interface ReplayResult extends ReplayTally {
  /** The emitted lines (`--emit`), when asked for. */
  emitted?: string[];
  /** The final address space. */
  mm: AddressSpace;
  timeMs: number;
}

/** Options of a replay. */
export interface ReplayOptions {
  backend?: BackendName;
  /** The maple backend's tree factory (see AddressSpaceOptions.mapleTree). */
  mapleTree?: AddressSpaceOptions['mapleTree'];
  /** Collect the emit lines. */
  emit?: boolean;
  /** Stop at the first differing answer or snapshot. */
  stopAtFirstMismatch?: boolean;
  /** Run mm.validate() after every answered op (slow; for tests). */
  validate?: boolean;
  /** Called after every record is handled, with what it did (a TraceReplayer event). */
  onRecord?: (event: ReplayEvent) => void;
}

/** The `--emit` line of an event (FORMAT.md's answer lines), or undefined for an open, unlink, rename or fault. */
function emitLine(e: ReplayEvent): string | undefined {
  if (e.kind === 'maps') return JSON.stringify({ at: e.at, lines: e.actual });
  if (e.kind !== 'op') return undefined;
  const a = e.answer;
  if (a === undefined) return JSON.stringify({ i: e.i, skipped: e.op });
  return JSON.stringify(a < 0 ? { i: e.i, err: -a } : { i: e.i, ret: `0x${a.toString(16)}` });
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/**
 * Replays a whole parsed trace (a loop over TraceReplayer.nextRecord).
 * @throws TraceFormatError when the records are inconsistent (no at:0 snapshot, unknown fd, bad arguments)
 */
export function replayTrace(records: TraceRecord[], options: ReplayOptions = {}): ReplayResult {
  const t0 = now();
  const replayer = new TraceReplayer(records, { backend: options.backend, mapleTree: options.mapleTree });
  const emitted: string[] | undefined = options.emit ? [] : undefined;
  for (let e = replayer.nextRecord(); e; e = replayer.nextRecord()) {
    options.onRecord?.(e);
    if (emitted) {
      const l = emitLine(e);
      if (l !== undefined) emitted.push(l);
    }
    if (e.kind !== 'maps' && e.kind !== 'op') continue;
    if (e.kind === 'maps' ? !e.matched : e.matched === false) {
      if (options.stopAtFirstMismatch) break;
    }
    if (e.kind === 'op' && e.answer !== undefined && options.validate) replayer.current!.validate();
  }
  const mm = replayer.current;
  if (!mm) throw new TraceFormatError('no maps record', records.length);
  const t1 = now();
  return { ...replayer.tally, emitted, mm, timeMs: t1 - t0 };
}
