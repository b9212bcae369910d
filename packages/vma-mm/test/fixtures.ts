// Test helpers: read a recorded trace from the repository's fixtures, explain a
// replay's first mismatches, and a small starting layout.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import {
  AddressSpace,
  type AddressSpaceOptions,
  type BackendName,
  diffMaps,
  parseTrace,
  type ReplayResult,
  type TraceRecord,
} from '../src/index.js';

/** Directory of the recorded traces. */
export const TRACE_DIR = new URL('../fixtures/traces/', import.meta.url);

const cache = new Map<string, TraceRecord[]>();

/** Parsed records of fixtures/traces/<name>.jsonl.gz (cached per test file). */
export function loadTrace(name: string): TraceRecord[] {
  let recs = cache.get(name);
  if (!recs) {
    recs = parseTrace(gunzipSync(readFileSync(new URL(`${name}.jsonl.gz`, TRACE_DIR))).toString('utf8'));
    cache.set(name, recs);
  }
  return recs;
}

/** A replay's first wrong answer and first differing snapshot, as text for a failing assertion. */
export function explainMismatches(r: ReplayResult): string {
  const a = r.answerMismatches[0];
  const s = r.snapshotMismatches[0];
  const parts: string[] = [];
  if (a) parts.push(`first answer mismatch: op ${a.i} ${a.op} expected ${a.expected} got ${a.actual}`);
  if (s) {
    const d = diffMaps(s.expected, s.actual);
    parts.push(`snapshot at ${s.at}: missing ${d.missing.join(' | ')}; extra ${d.extra.join(' | ')}`);
  }
  return parts.join('\n');
}

/** A small x86_64 process as /proc/PID/maps text: a program, [vdso], [stack], [vsyscall]. */
export const PROG_LAYOUT = [
  '555555554000-555555555000 r--p 00000000 fe:00 100                        /bin/prog',
  '555555555000-555555556000 rw-p 00001000 fe:00 100                        /bin/prog',
  '7ffff7fc8000-7ffff7fca000 r-xp 00000000 00:00 0                          [vdso]',
  '7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]',
  'ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]',
].join('\n');

/**
 * An x86_64 address space from `maps` (default PROG_LAYOUT) with vm.mmap_min_addr 4096,
 * the heap just above the program and the stack top below 0x7ffffffff000; `options` override.
 */
export function progSpace(
  backend: BackendName,
  options: Partial<AddressSpaceOptions> = {},
  maps: string = PROG_LAYOUT,
): AddressSpace {
  return AddressSpace.fromMaps(maps, {
    arch: 'x86_64',
    backend,
    mmapMinAddr: 4096,
    startBrk: 0x555555556000,
    startStack: 0x7fffffffe000,
    ...options,
  });
}

/** A number as the traces write it: `0x` and lowercase hex. */
export const hex = (n: number): string => `0x${n.toString(16)}`;

/** An mmap op record for {@link syntheticTrace} (`fd` -1: anonymous). */
export const mmapOp = (addr: number, len: number, prot: string, flags: string[], fd: number, off = 0) => ({
  op: 'mmap',
  addr: hex(addr),
  len: hex(len),
  prot,
  flags,
  fd,
  off: hex(off),
});

/**
 * A parsed x86_64 trace made in a test: a header (4 KiB pages, plus the
 * fields in `header`), PROG_LAYOUT as the maps at op 0, then `records`, each
 * op numbered in order and answered 0x0 unless it says otherwise.
 */
export function syntheticTrace(records: object[], header: object = {}): TraceRecord[] {
  let i = 0;
  const body = records.map((r) => ('op' in r ? { kind: 'op', i: ++i, ret: '0x0', ...r } : r));
  const head = { kind: 'header', format: 'vmtrace/1', arch: 'x86_64', page_size: 0x1000, ...header };
  const lines = [head, { kind: 'maps', at: 0, lines: PROG_LAYOUT.split('\n') }, ...body];
  return parseTrace(lines.map((r) => JSON.stringify(r)).join('\n'));
}
