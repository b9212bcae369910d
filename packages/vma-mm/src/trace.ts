/**
 * vmtrace/1 (see fixtures/traces/FORMAT.md): recorded Linux address-space
 * histories. The records, parsing, the address-space options a header
 * gives, and the field-by-field comparison of /proc/self/maps snapshots.
 * Replaying them is replayer.ts.
 */
import type { BackendName } from './backend/types.js';
import type { AddressSpaceOptions } from './mm.js';
import { parseMapsLine } from './procmaps.js';

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
  /** RLIMIT_STACK in bytes, or `unlimited` (vmrun writes it so since rec-real-hugenr; absent: 8 MiB). */
  stack_rlimit?: number | 'unlimited';
  /** RLIMIT_MEMLOCK in bytes (our recorders write it; absent: unlimited). */
  memlock_rlimit?: number;
  /** The internal hugetlbfs mount's device, `major:minor` in hex (vmrun writes it; absent: `00:00`). */
  hugetlbfs_dev?: string;
  /** The huge page sizes (bytes) the kernel has pools of (vmrun writes them; absent: the default one). */
  huge_page_sizes?: number[];
  /** The program's personality at exec, hex (vmrun writes it; READ_IMPLIES_EXEC, 0x400000, matters). */
  personality?: string;
  /** RLIMIT_AS and RLIMIT_DATA in bytes (vmrun writes them when set; absent: unlimited). */
  as_rlimit?: number;
  data_rlimit?: number;
  /** end_data - start_data in bytes (vmrun writes it): brk counts it against RLIMIT_DATA. */
  data_segment?: number;
  layout?: 'topdown' | 'legacy';
  start_brk?: string;
  brk_start?: string;
  start_stack?: string;
  [key: string]: unknown;
}

/** Any record of a trace. */
export type TraceRecord =
  | TraceHeader
  | {
      kind: 'open';
      fd: number;
      path: string;
      dev: string;
      inode: number;
      size?: string;
      /** How the file was opened (O_ACCMODE): `r`, `w` or `rw`; absent means `rw`. */
      mode?: 'r' | 'w' | 'rw';
      /** `tmpfs` for a shmem file (memfd_create, /dev/shm), `hugetlbfs` for a hugetlbfs one; absent for others. */
      fs?: string;
      /** The fd duplicates this earlier one (dup, memfd passed on, ...): the same open file. */
      same_as?: number;
      /** What the file is when it is not a regular file: `dir`, `chr`, `blk`, `fifo` or `sock`. */
      type?: string;
      /** A device's device number, `major:minor` in hex as `dev` is written (`01:05` is /dev/zero). */
      rdev?: string;
      /** The file lives on a noexec mount. */
      noexec?: boolean;
      /** A memfd's seals (F_SEAL_* bits) when any is set. */
      seals?: number;
      /** A hugetlbfs file's huge page size in bytes. */
      huge_page_size?: number;
    }
  /** The fd was closed (vmrun writes it when a call names an fd it described that is no longer open). */
  | { kind: 'close'; fd: number }
  /** The file's size changed (a write or truncate since it was described): every open file of it sees it. */
  | { kind: 'size'; dev: string; inode: number; size: string }
  /** A memfd's seals changed (fcntl F_ADD_SEALS since it was described): every open file of it has them. */
  | { kind: 'seals'; dev: string; inode: number; seals: number }
  /** A System V shared memory segment, described before a shmat of it: key, size, the access granted. */
  | { kind: 'shm'; id: number; key: string; size: string; access: string }
  | { kind: 'unlink'; path: string; dev: string; inode: number }
  | { kind: 'rename'; path: string; dev: string; inode: number; to: string }
  /** A page fault since the last call (vmrun: where the main stack grew, or a VMA got anonymous pages). */
  | { kind: 'fault'; addr: string; write?: boolean }
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
    if (
      ![
        'header',
        'open',
        'close',
        'size',
        'seals',
        'shm',
        'unlink',
        'rename',
        'fault',
        'maps',
        'op',
      ].includes(r.kind)
    )
      throw new TraceFormatError(`unknown kind ${r.kind}`, n + 1);
    out.push(r);
  }
  if (out.length === 0) throw new TraceFormatError('empty trace', 1);
  return out;
}

/** A trace number: a number as is, a `0x...` or decimal string parsed (SyntaxError when it does not parse), NaN otherwise. */
export function hexValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return Number.NaN;
  return Number(BigInt(v));
}

/** The READ_IMPLIES_EXEC personality bit (include/uapi/linux/personality.h). */
const READ_IMPLIES_EXEC = 0x0400000;
/** The ADDR_LIMIT_3GB personality bit: an ia32 process's TASK_SIZE is 3 GiB. */
const ADDR_LIMIT_3GB = 0x8000000;
/** The ADDR_COMPAT_LAYOUT personality bit: the legacy (bottom-up) layout. */
const ADDR_COMPAT_LAYOUT = 0x0200000;

/** Address-space options from a trace header (heap and stack come from the at:0 labels when the header lacks them). */
export function headerOptions(h: TraceHeader, backend?: BackendName): AddressSpaceOptions {
  const startBrk = h.start_brk !== undefined ? hexValue(h.start_brk) : undefined;
  const personality = h.personality !== undefined ? hexValue(h.personality) : 0;
  return {
    // An ia32 process with ADDR_LIMIT_3GB has a 3 GiB TASK_SIZE.
    arch: h.arch === 'i386' && personality & ADDR_LIMIT_3GB ? 'i386-3gb' : h.arch,
    backend,
    layout: personality & ADDR_COMPAT_LAYOUT ? 'legacy' : (h.layout ?? 'topdown'),
    maxMapCount: h.max_map_count,
    mmapMinAddr: h.mmap_min_addr,
    lsmMmapMinAddr: h.lsm_mmap_min_addr,
    stackRlimit: h.stack_rlimit === 'unlimited' ? Number.POSITIVE_INFINITY : h.stack_rlimit,
    memlockRlimit: h.memlock_rlimit,
    hugetlbfsDev: h.hugetlbfs_dev,
    hugePageSizes: h.huge_page_sizes,
    readImpliesExec: (personality & READ_IMPLIES_EXEC) !== 0,
    asRlimit: h.as_rlimit,
    dataRlimit: h.data_rlimit,
    dataSegment: h.data_segment,
    startBrk,
    brk: h.brk_start !== undefined ? hexValue(h.brk_start) : startBrk,
    startStack: h.start_stack !== undefined ? hexValue(h.start_stack) : undefined,
  };
}

/** Names of the files the kernel makes for anonymous memory, whose inode numbers are its own. */
const KERNEL_INODE_NAMES: ReadonlySet<string> = new Set(['/dev/zero (deleted)', '/anon_hugepage (deleted)']);

/**
 * A maps line reduced to the compared fields; the inodes of shared anonymous memory and anonymous
 * hugetlb memory are the kernel's own and left out.
 */
export function mapsLineKey(line: string): string {
  const l = parseMapsLine(line);
  const inode = KERNEL_INODE_NAMES.has(l.name) ? '*' : String(l.inode);
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
