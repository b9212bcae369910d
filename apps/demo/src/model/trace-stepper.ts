/**
 * Replaying a vmtrace/1 history one system call at a time, so that the
 * visualiser can play, pause, step and scrub, and the CLI can show progress.
 *
 * @maple-tree/vma-mm's replayTrace runs a whole trace in one call and has
 * no per-op hook, so this module applies each op record to an AddressSpace
 * itself, with the same record-to-syscall mapping (vmtrace/1 FORMAT.md) and
 * the same comparisons (snapshotsEqual). The tests check that after every
 * op the result is identical to replayTrace run on the trace cut at that op.
 */
import {
  AddressSpace,
  type BackendName,
  headerOptions,
  MAP,
  type MappedFile,
  MREMAP,
  parseProt,
  snapshotsEqual,
  TraceFormatError,
  type TraceHeader,
  type TraceRecord,
} from '@maple-tree/vma-mm';

type OpRecord = Extract<TraceRecord, { kind: 'op' }>;
type MapsRecord = Extract<TraceRecord, { kind: 'maps' }>;

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

/** A number in a trace: a hex string or a plain number. */
function num(v: unknown, what: string, line: number): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^(0x[0-9a-f]+|[0-9]+)$/i.test(v)) return Number(BigInt(v));
  throw new TraceFormatError(`${what} is not a number: ${JSON.stringify(v)}`, line);
}

function bits(names: unknown, table: Readonly<Record<string, number>>, what: string, line: number): number {
  if (!Array.isArray(names)) throw new TraceFormatError(`${what} must be a list of names`, line);
  let b = 0;
  for (const n of names) {
    const v = table[String(n)];
    if (v === undefined) throw new TraceFormatError(`unknown ${what} "${String(n)}"`, line);
    b |= v;
  }
  return b;
}

/** Steps an AddressSpace through a parsed trace. */
export class TraceStepper {
  readonly header: TraceHeader;
  readonly backend: BackendName;
  /** Number of op records in the trace. */
  readonly totalOps: number;
  mm!: AddressSpace;
  tally!: Tally;
  /** Ops applied so far (0 = the starting layout). */
  position = 0;
  private cursor = 0;
  private files = new Map<number, MappedFile>();

  /**
   * @param records - a trace parsed by parseTrace
   * @param backend - VMA index to replay on
   * @throws TraceFormatError when there is no at:0 maps record before the first op
   */
  constructor(
    readonly records: readonly TraceRecord[],
    backend: BackendName = 'maple',
  ) {
    this.header = records[0] as TraceHeader;
    this.backend = backend;
    this.totalOps = records.reduce((n, r) => n + (r.kind === 'op' ? 1 : 0), 0);
    this.reset();
  }

  /** Back to the starting layout (before op 1). */
  reset(): void {
    this.position = 0;
    this.cursor = 1;
    this.files = new Map();
    this.tally = { ops: 0, answered: 0, answersMatched: 0, snapshots: 0, snapshotsMatched: 0 };
    let mm: AddressSpace | undefined;
    const known = new Map<string, MappedFile>();
    while (this.cursor < this.records.length) {
      const r = this.records[this.cursor]!;
      if (r.kind === 'op') break;
      this.cursor++;
      if (r.kind === 'open') this.open(r);
      else if (r.kind === 'maps') {
        if (!mm) {
          if (r.at !== 0) throw new TraceFormatError('the first maps record must be at:0', this.cursor);
          mm = AddressSpace.fromMaps(r.lines.join('\n'), {
            ...headerOptions(this.header, this.backend),
            files: known,
          });
        }
        this.compare(mm, r);
      }
    }
    if (!mm) throw new TraceFormatError('no maps record before the first op', this.cursor);
    this.mm = mm;
  }

  /** True when every op has been applied. */
  get done(): boolean {
    return this.position >= this.totalOps;
  }

  /**
   * Applies the next op (and the open/maps records up to the op after it).
   * @returns what the op did, or undefined at the end of the trace
   */
  step(): StepResult | undefined {
    if (this.done) return undefined;
    let result: StepResult | undefined;
    while (this.cursor < this.records.length) {
      const r = this.records[this.cursor]!;
      if (r.kind === 'op' && result) break;
      this.cursor++;
      if (r.kind === 'open') this.open(r);
      else if (r.kind === 'maps') {
        const matched = this.compare(this.mm, r);
        if (result) result.snapshot = { lines: r.lines, matched };
      } else if (r.kind === 'op') result = this.apply(r, this.cursor);
    }
    this.position++;
    return result;
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

  private open(r: Extract<TraceRecord, { kind: 'open' }>): void {
    const size = r.size === undefined ? undefined : num(r.size, 'size', this.cursor);
    this.files.set(r.fd, { path: r.path, dev: r.dev, inode: r.inode, size });
  }

  private compare(mm: AddressSpace, r: MapsRecord): boolean {
    const actual = mm.procMaps().trimEnd().split('\n');
    const matched = snapshotsEqual(r.lines, actual);
    this.tally.snapshots++;
    if (matched) this.tally.snapshotsMatched++;
    else this.tally.firstSnapshotMismatch ??= { at: r.at, expected: r.lines, actual };
    return matched;
  }

  private apply(r: OpRecord, line: number): StepResult {
    const mm = this.mm;
    this.tally.ops++;
    const res: StepResult = { i: r.i, op: r.op };
    let answer: number | undefined;
    switch (r.op) {
      case 'mmap': {
        const flags = bits(r.flags, MAP, 'mmap flag', line);
        const fd = Number(r.fd);
        let file: MappedFile | null = null;
        if (!(flags & MAP.ANONYMOUS)) {
          file = this.files.get(fd) ?? null;
          if (!file && fd >= 0) throw new TraceFormatError(`fd ${fd} was never opened`, line);
        }
        res.focus = num(r.addr, 'addr', line);
        answer = mm.mmap(
          res.focus,
          num(r.len, 'len', line),
          parseProt(String(r.prot)),
          flags,
          file,
          num(r.off ?? 0, 'off', line),
        );
        break;
      }
      case 'munmap':
        res.focus = num(r.addr, 'addr', line);
        answer = mm.munmap(res.focus, num(r.len, 'len', line));
        break;
      case 'mprotect':
        res.focus = num(r.addr, 'addr', line);
        answer = mm.mprotect(res.focus, num(r.len, 'len', line), parseProt(String(r.prot)));
        break;
      case 'mremap':
        res.focus = num(r.addr, 'addr', line);
        answer = mm.mremap(
          res.focus,
          num(r.old_len, 'old_len', line),
          num(r.new_len, 'new_len', line),
          bits(r.flags, MREMAP, 'mremap flag', line),
          num(r.new_addr ?? 0, 'new_addr', line),
        );
        break;
      case 'brk':
        res.focus = num(r.addr, 'addr', line);
        answer = mm.brk(res.focus);
        break;
      default:
        return res;
    }
    if (answer >= 0 && r.op !== 'munmap' && r.op !== 'mprotect') res.focus = answer;
    const expected = r.err !== undefined ? -Number(r.err) : num(r.ret, 'ret', line);
    res.answer = answer;
    res.expected = expected;
    this.tally.answered++;
    if (answer === expected) this.tally.answersMatched++;
    else this.tally.firstAnswerMismatch ??= { i: r.i, op: r.op, expected, actual: answer };
    return res;
  }
}
