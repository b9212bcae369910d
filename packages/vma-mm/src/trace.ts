/**
 * vmtrace/1 (see fixtures/traces/FORMAT.md): recorded Linux address-space
 * histories. Parsing, replaying every op against an AddressSpace, and
 * comparing answers and /proc/self/maps snapshots with the kernel's.
 *
 *   header -> options      maps at:0 -> AddressSpace.fromMaps
 *   open   -> fd table     op        -> syscall, answer compared
 *   maps at:N              -> procMaps() compared field by field
 */
import { AddressSpace } from './address-space.js';
import type { BackendName } from './backend/types.js';
import type { AddressSpaceOptions } from './mm.js';
import { parseMapsLine } from './procmaps.js';
import { MAP, type MappedFile, MREMAP, parseProt } from './vma.js';

/** A malformed trace: says which line and why. */
export class TraceFormatError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'TraceFormatError';
  }
}

/** The header record. */
export interface TraceHeader {
  kind: 'header';
  format: string;
  arch: string;
  page_size: number;
  max_map_count?: number;
  mmap_min_addr?: number;
  /** CONFIG_LSM_MMAP_MIN_ADDR (our recorder writes it; absent in older traces, meaning 0). */
  lsm_mmap_min_addr?: number;
  stack_rlimit?: number;
  layout?: 'topdown' | 'legacy';
  start_brk?: string;
  brk_start?: string;
  start_stack?: string;
  [key: string]: unknown;
}

/** Any record of a trace. */
export type TraceRecord =
  | TraceHeader
  | { kind: 'open'; fd: number; path: string; dev: string; inode: number; size?: string }
  | { kind: 'maps'; at: number; lines: string[]; final?: boolean }
  | { kind: 'op'; i: number; op: string; ret?: string; err?: number; [key: string]: unknown };

/**
 * Parse vmtrace/1 JSONL text.
 * @throws TraceFormatError for a line that is not JSON, a missing header, or an unknown record
 */
export function parseTrace(text: string): TraceRecord[] {
  const out: TraceRecord[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!.trim();
    if (!raw) continue;
    let rec: unknown;
    try {
      rec = JSON.parse(raw);
    } catch {
      throw new TraceFormatError('not a JSON object', n + 1);
    }
    if (typeof rec !== 'object' || rec === null || typeof (rec as { kind?: unknown }).kind !== 'string') {
      throw new TraceFormatError('record without a "kind"', n + 1);
    }
    const r = rec as TraceRecord;
    if (out.length === 0 && r.kind !== 'header')
      throw new TraceFormatError('the first record must be the header', n + 1);
    if (r.kind === 'header' && r.format !== 'vmtrace/1') {
      throw new TraceFormatError(`unsupported format ${String(r.format)}`, n + 1);
    }
    if (!['header', 'open', 'maps', 'op'].includes(r.kind))
      throw new TraceFormatError(`unknown kind ${r.kind}`, n + 1);
    out.push(r);
  }
  if (out.length === 0) throw new TraceFormatError('empty trace', 1);
  return out;
}

function hex(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return Number.NaN;
  return Number(BigInt(v));
}

/** Address-space options from a trace header (heap and stack come from the at:0 labels when the header lacks them). */
export function headerOptions(h: TraceHeader, backend?: BackendName): AddressSpaceOptions {
  const startBrk = h.start_brk !== undefined ? hex(h.start_brk) : undefined;
  return {
    arch: h.arch,
    backend,
    layout: h.layout ?? 'topdown',
    maxMapCount: h.max_map_count,
    mmapMinAddr: h.mmap_min_addr,
    lsmMmapMinAddr: h.lsm_mmap_min_addr,
    stackRlimit: h.stack_rlimit,
    startBrk,
    brk: h.brk_start !== undefined ? hex(h.brk_start) : startBrk,
    startStack: h.start_stack !== undefined ? hex(h.start_stack) : undefined,
  };
}

const MAP_NAMES: Record<string, number> = MAP as unknown as Record<string, number>;
const MREMAP_NAMES: Record<string, number> = MREMAP as unknown as Record<string, number>;

function flagBits(names: unknown, table: Record<string, number>, what: string, line: number): number {
  if (!Array.isArray(names)) throw new TraceFormatError(`${what} must be a list of names`, line);
  let bits = 0;
  for (const n of names) {
    const b = Object.hasOwn(table, String(n)) ? table[String(n)] : undefined;
    if (b === undefined) throw new TraceFormatError(`unknown ${what} "${String(n)}"`, line);
    bits |= b;
  }
  return bits;
}

/** A maps line reduced to the compared fields; shmem inodes are the kernel's own and left out. */
export function mapsLineKey(line: string): string {
  const l = parseMapsLine(line);
  const inode = l.name === '/dev/zero (deleted)' ? '*' : String(l.inode);
  return `${l.start.toString(16)}-${l.end.toString(16)} ${l.perms} ${l.offset.toString(16)} ${l.dev} ${inode} ${l.name}`;
}

/** Compare two maps lines field by field (start-end, perms, offset, dev, inode, path). */
export function mapsLinesEqual(expected: string, actual: string): boolean {
  return expected === actual || mapsLineKey(expected) === mapsLineKey(actual);
}

/** Whether two snapshots are identical (same length, every line equal field by field). */
export function snapshotsEqual(expected: string[], actual: string[]): boolean {
  if (expected.length !== actual.length) return false;
  for (let k = 0; k < expected.length; k++) if (!mapsLinesEqual(expected[k]!, actual[k]!)) return false;
  return true;
}

/** The lines only one side has: `missing` (expected, not produced) and `extra` (produced, not expected). */
export function diffMaps(expected: string[], actual: string[]): { missing: string[]; extra: string[] } {
  const ek = new Set(expected.map(mapsLineKey));
  const ak = new Set(actual.map(mapsLineKey));
  return {
    missing: expected.filter((l) => !ak.has(mapsLineKey(l))),
    extra: actual.filter((l) => !ek.has(mapsLineKey(l))),
  };
}

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

/** Result of a replay. */
export interface ReplayResult {
  ops: number;
  answered: number;
  answersMatched: number;
  snapshots: number;
  snapshotsMatched: number;
  answerMismatches: AnswerMismatch[];
  snapshotMismatches: SnapshotMismatch[];
  /** The emitted lines (`--emit`), when asked for. */
  emitted?: string[];
  /** The final address space. */
  mm: AddressSpace;
  timeMs: number;
}

/** Options of a replay. */
export interface ReplayOptions {
  backend?: BackendName;
  /** Collect the emit lines. */
  emit?: boolean;
  /** Stop at the first differing answer or snapshot. */
  stopAtFirstMismatch?: boolean;
  /** Run mm.validate() after every op (slow; for tests). */
  validate?: boolean;
}

function answerText(v: number): string {
  return v < 0 ? `err ${-v}` : `0x${v.toString(16)}`;
}

/**
 * Replay a parsed trace.
 * @throws TraceFormatError when the records are inconsistent (no at:0 snapshot, unknown fd, bad arguments)
 */
export function replayTrace(records: TraceRecord[], options: ReplayOptions = {}): ReplayResult {
  const t0 = typeof performance !== 'undefined' ? performance.now() : Date.now();
  const header = records[0] as TraceHeader;
  const opts = headerOptions(header, options.backend);
  const files = new Map<number, MappedFile>();
  const known = new Map<string, MappedFile>();
  let mm: AddressSpace | undefined;
  const res: Omit<ReplayResult, 'mm' | 'timeMs'> = {
    ops: 0,
    answered: 0,
    answersMatched: 0,
    snapshots: 0,
    snapshotsMatched: 0,
    answerMismatches: [],
    snapshotMismatches: [],
  };
  const emitted: string[] | undefined = options.emit ? [] : undefined;
  for (let n = 1; n < records.length; n++) {
    const r = records[n]!;
    if (r.kind === 'open') {
      const file: MappedFile = {
        path: r.path,
        dev: r.dev,
        inode: r.inode,
        size: r.size ? hex(r.size) : undefined,
      };
      files.set(r.fd, file);
      continue;
    }
    if (r.kind === 'maps') {
      if (!mm) {
        if (r.at !== 0) throw new TraceFormatError('the first maps record must be at:0', n + 1);
        if (!Array.isArray(r.lines)) throw new TraceFormatError('maps record without lines', n + 1);
        try {
          mm = AddressSpace.fromMaps(r.lines.join('\n'), { ...opts, files: known });
        } catch (e) {
          throw new TraceFormatError(e instanceof Error ? e.message : String(e), n + 1);
        }
        if (header.page_size !== undefined && header.page_size !== mm.pageSize) {
          throw new TraceFormatError(
            `page_size ${header.page_size} but the ${mm.arch.name} profile has ${mm.pageSize}`,
            1,
          );
        }
      }
      const actual = mm.procMaps().trimEnd().split('\n');
      res.snapshots++;
      emitted?.push(JSON.stringify({ at: r.at, lines: actual }));
      if (snapshotsEqual(r.lines, actual)) res.snapshotsMatched++;
      else {
        res.snapshotMismatches.push({ at: r.at, expected: r.lines, actual });
        if (options.stopAtFirstMismatch) break;
      }
      continue;
    }
    if (r.kind !== 'op') continue;
    if (!mm) throw new TraceFormatError('an op before the at:0 maps record', n + 1);
    res.ops++;
    let got: number | undefined;
    try {
      got = applyOp(mm, r, files, n + 1);
    } catch (e) {
      if (e instanceof SyntaxError)
        throw new TraceFormatError(`bad number in op ${r.i}: ${e.message}`, n + 1);
      throw e;
    }
    if (got === undefined) {
      emitted?.push(JSON.stringify({ i: r.i, skipped: r.op }));
      continue;
    }
    res.answered++;
    emitted?.push(JSON.stringify(got < 0 ? { i: r.i, err: -got } : { i: r.i, ret: `0x${got.toString(16)}` }));
    const want = r.err !== undefined ? -r.err : hex(r.ret);
    if (want === got) res.answersMatched++;
    else {
      res.answerMismatches.push({ i: r.i, op: r.op, expected: answerText(want), actual: answerText(got) });
      if (options.stopAtFirstMismatch) break;
    }
    if (options.validate) mm.validate();
  }
  if (!mm) throw new TraceFormatError('no maps record', records.length);
  const t1 = typeof performance !== 'undefined' ? performance.now() : Date.now();
  return { ...res, emitted, mm, timeMs: t1 - t0 };
}

/** Apply one op record; undefined for calls that do not change the layout. */
function applyOp(
  mm: AddressSpace,
  r: { op: string; [key: string]: unknown },
  files: Map<number, MappedFile>,
  line: number,
): number | undefined {
  switch (r.op) {
    case 'mmap': {
      const flags = flagBits(r.flags, MAP_NAMES, 'mmap flag', line);
      const fd = Number(r.fd);
      let file: MappedFile | null = null;
      if (!(flags & MAP.ANONYMOUS)) {
        file = files.get(fd) ?? null;
        if (!file && fd >= 0) throw new TraceFormatError(`fd ${fd} was never opened`, line);
      }
      return mm.mmap(hex(r.addr), hex(r.len), parseProt(String(r.prot)), flags, file, hex(r.off ?? '0x0'));
    }
    case 'munmap':
      return mm.munmap(hex(r.addr), hex(r.len));
    case 'mprotect':
      return mm.mprotect(hex(r.addr), hex(r.len), parseProt(String(r.prot)));
    case 'mremap':
      return mm.mremap(
        hex(r.addr),
        hex(r.old_len),
        hex(r.new_len),
        flagBits(r.flags, MREMAP_NAMES, 'mremap flag', line),
        hex(r.new_addr ?? '0x0'),
      );
    case 'brk':
      return mm.brk(hex(r.addr));
    default:
      return undefined;
  }
}
