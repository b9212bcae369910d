// Histories recorded on this project's own machine with tools/recorder (fixtures/traces/recorded): seeds and
// profiles the original fixtures never used, including calls aimed next to existing mappings, boundary
// arguments and a run into vm.max_map_count, plus real programs traced with ptrace from execve to exit (among
// them a 32-bit one and two test programs of tools/recorder/programs). They must replay with the kernel's exact
// answers and maps on both backends.
import { describe, expect, it } from 'vitest';
import {
  type BackendName,
  headerOptions,
  hexValue,
  madviseModelled,
  replayTrace,
  type TraceHeader,
  type TraceRecord,
} from '../src/index.js';
import { explainMismatches, loadTrace } from './fixtures.js';

const TRACES = [
  'rec-mixed-101',
  'rec-mixed-102',
  'rec-mixed-103',
  'rec-extra-104',
  'rec-near-105',
  'rec-near-106',
  'rec-legacy-107',
  'rec-i386-108',
  'rec-limit-109',
  'rec-heap-110',
  'rec-edge-111',
  'rec-i386-112',
  'rec-legacy-113',
  'rec-flags-114',
  'rec-i386-115',
  'rec-wide-116',
  'rec-legacy-117',
  'rec-i386-215',
  'rec-legacy-223',
  'rec-advise-227',
  'rec-legacy-922',
];
/** Real programs recorded with tools/recorder/vmrun.c (ptrace), from execve to exit. */
const REAL = [
  'rec-real-python',
  'rec-real-perl',
  'rec-real-node',
  'rec-real-sort-legacy',
  'rec-real-java',
  'rec-real-madv32',
  'rec-real-filemodes',
  'rec-real-locks',
  'rec-real-cc1plus-legacy',
  'rec-real-protbits',
  'rec-real-devices',
  'rec-real-lockgrow',
  'rec-real-guards',
  'rec-real-populate',
  'rec-real-pageadvice',
  'rec-real-hugenr',
  'rec-real-seals',
  'rec-real-growsdown',
  'rec-real-stack-unlimited',
  'rec-real-mseal',
  'rec-real-pkeys',
  'rec-real-sysvshm',
  'rec-real-rie32',
  'rec-real-addr3gb',
  'rec-real-remapfile',
  'rec-real-vmlimits',
];
const BACKENDS: BackendName[] = ['maple', 'legacy'];
const LAYOUT_CALLS = [
  'mmap',
  'mmap_raw',
  'mremap_raw',
  'munmap',
  'mprotect',
  'mremap',
  'brk',
  'mlock',
  'mlock2',
  'munlock',
  'mlockall',
  'munlockall',
  'mseal',
  'shmat',
  'shmdt',
  'remap_file_pages',
];

/** A call the replay answers: a layout call (memory locking included), madvise with any advice but MADV_COLLAPSE, pkey_mprotect with key -1. */
function answerable(r: TraceRecord): boolean {
  if (r.kind !== 'op') return false;
  if (r.op === 'madvise') return Array.isArray(r.args) && madviseModelled(hexValue(r.args[2]));
  // pkey_mprotect with key -1 is mprotect; other keys depend on pkey_alloc calls a trace does not hold.
  if (r.op === 'pkey_mprotect') return Array.isArray(r.args) && hexValue(r.args[3]) === 0xffffffff;
  return LAYOUT_CALLS.includes(r.op);
}

const load = (name: string): TraceRecord[] => loadTrace(`recorded/${name}`);

describe('recorded traces', () => {
  it.each(TRACES)('%s was made by our recorder with its seed and profile in the header', (name) => {
    const h = load(name)[0] as TraceHeader;
    expect(h.recorder).toBe('maple-tree tools/recorder/vmtrace.c');
    expect(`rec-${h.layout === 'legacy' ? 'legacy' : h.arch === 'i386' ? 'i386' : h.profile}-${h.seed}`).toBe(
      name,
    );
    expect(h.aslr).toBe(false);
  });

  it.each(REAL)('%s was recorded by vmrun from the program start to its exit', (name) => {
    const records = load(name);
    const h = records[0] as TraceHeader;
    expect(h.recorder).toBe('maple-tree tools/recorder/vmrun.c');
    expect(name).toContain(`rec-real-${String(h.program)}`);
    const maps = records.filter((r) => r.kind === 'maps');
    expect(maps.map((m) => m.kind === 'maps' && m.at)).toEqual([
      0,
      records.filter((r) => r.kind === 'op').length,
    ]);
  });

  it('rec-real-stack-unlimited ran with an unlimited stack: x86 keeps the top-down layout, its base at its lowest', () => {
    const records = load('rec-real-stack-unlimited');
    const h = records[0] as TraceHeader;
    expect(h.stack_rlimit).toBe('unlimited'); // the program's limit, set by the shell that exec'd it
    expect(h.layout).toBe('topdown');
    expect(headerOptions(h).stackRlimit).toBe(Number.POSITIVE_INFINITY);
    // The first kernel-placed mapping lies right below about TASK_SIZE / 6 (the 5/6 gap clamp), not below the stack.
    const first = records.find((r) => r.kind === 'op' && r.op === 'mmap' && r.addr === '0x0');
    expect(first?.kind === 'op' && hexValue(first.ret)).toBeLessThan(0x155555556000);
    expect(first?.kind === 'op' && hexValue(first.ret)).toBeGreaterThan(0x155550000000);
    const prefix = records.filter((r) => r.kind !== 'op' && (r.kind !== 'maps' || r.at === 0));
    expect(replayTrace(prefix).mm.mmapBase).toBe(0x155555556000); // PAGE_ALIGN(TASK_SIZE - TASK_SIZE / 6 * 5)
  });

  it('headers from trace 110 on carry CONFIG_LSM_MMAP_MIN_ADDR, and the replay takes the larger minimum', () => {
    const records = load('rec-edge-111');
    const h = records[0] as TraceHeader;
    expect(h.mmap_min_addr).toBe(4096);
    expect(h.lsm_mmap_min_addr).toBe(65536);
    expect(headerOptions(h).lsmMmapMinAddr).toBe(65536);
    const prefix = records.filter((r) => r.kind !== 'op' && (r.kind !== 'maps' || r.at === 0));
    expect(replayTrace(prefix).mm.mmapMinAddr).toBe(65536);
  });

  it('rec-real-madv32 is a 32-bit program whose stack grew and whose madvise calls are replayed', () => {
    const records = load('rec-real-madv32');
    expect((records[0] as TraceHeader).arch).toBe('i386');
    // The recursion at its start grew the stack by faults: vmrun wrote where to (the lowest fault within
    // RLIMIT_STACK below the starting stack; the others there are first writes to pieces of the stack), and
    // the replay grows it there.
    const start = records.findIndex((r) => r.kind === 'maps');
    const initial = (records[start] as { lines: string[] }).lines.find((l) => l.endsWith('[stack]'))!;
    const stackLo = Number.parseInt(initial, 16);
    const below = (r: TraceRecord): boolean =>
      r.kind === 'fault' && hexValue(r.addr) < stackLo && hexValue(r.addr) >= stackLo - 0x800000;
    const lo = Math.min(...records.filter(below).map((r) => hexValue(r.kind === 'fault' && r.addr)));
    expect(lo).toBeLessThan(stackLo - 0x80000); // more than 512 KiB deeper
    const until = records.findIndex((r) => below(r) && r.kind === 'fault' && hexValue(r.addr) === lo);
    const grown = replayTrace(records.slice(0, until + 1)).mm.vmaLookup(lo)!;
    expect([grown.start, grown.end]).toEqual([lo, Number.parseInt(initial.split(/[- ]/)[1]!, 16)]);
    const advice = records.filter((r) => r.kind === 'op' && r.op === 'madvise' && answerable(r));
    expect(advice.length).toBeGreaterThanOrEqual(30);
    // Some of them fail on purpose: EINVAL (bad arguments, [vvar]), ENOMEM (unmapped parts).
    expect(new Set(advice.map((r) => r.kind === 'op' && r.err))).toEqual(new Set([undefined, 12, 22]));
  });

  it('rec-real-filemodes describes its files: access modes, tmpfs, a shared open file, unlinked names', () => {
    const records = load('rec-real-filemodes');
    const opens = records.filter((r) => r.kind === 'open');
    expect(new Set(opens.map((r) => r.kind === 'open' && (r.mode ?? 'rw')))).toEqual(
      new Set(['r', 'w', 'rw']),
    );
    expect(opens.some((r) => r.kind === 'open' && r.fs === 'tmpfs' && r.path.startsWith('/memfd:'))).toBe(
      true,
    );
    expect(opens.filter((r) => r.kind === 'open' && r.same_as !== undefined)).toHaveLength(2);
    expect(records.filter((r) => r.kind === 'unlink')).toHaveLength(4);
    expect(records.filter((r) => r.kind === 'rename')).toHaveLength(1);
    const final = records.findLast((r) => r.kind === 'maps');
    expect(
      final?.kind === 'maps' && final.lines.filter((l) => l.endsWith(' (deleted)')).length,
    ).toBeGreaterThan(3);
  });

  it('rec-real-cc1plus-legacy needs its fault records: without them anonymous VMAs the kernel kept apart merge', () => {
    const records = load('rec-real-cc1plus-legacy');
    const faults = records.filter((r) => r.kind === 'fault').length;
    expect(faults).toBeGreaterThan(50);
    expect(replayTrace(records).snapshotsMatched).toBe(2);
    const blind = replayTrace(records.filter((r) => r.kind !== 'fault'));
    expect(blind.answersMatched).toBe(blind.answered); // faults decide merges, not answers, here
    expect(blind.snapshotsMatched).toBe(1);
  });

  it('rec-real-protbits needs prot_raw: without it PROT_GROWSDOWN and the bits mprotect refuses are lost', () => {
    const records = load('rec-real-protbits');
    expect(records.filter((r) => r.kind === 'op' && r.prot_raw !== undefined).length).toBeGreaterThanOrEqual(
      8,
    );
    const blind = replayTrace(
      records.map((r) => {
        if (r.kind !== 'op') return r;
        const { prot_raw: _, ...rest } = r;
        return rest as TraceRecord;
      }),
    );
    expect(blind.answered - blind.answersMatched).toBe(4); // EINVAL for an unknown bit, PROT_GROWSUP (alone, and with PROT_GROWSDOWN) and PROT_GROWSDOWN on a VMA that does not grow down
    expect(blind.snapshotsMatched).toBe(1);
  });

  it('rec-real-lockgrow replays exactly without its fault records too: mremap faults in what a locked mapping grew by', () => {
    const records = load('rec-real-lockgrow').filter((r) => r.kind !== 'fault');
    const r = replayTrace(records);
    expect(r.answersMatched).toBe(r.answered);
    expect(r.snapshotsMatched, explainMismatches(r)).toBe(2);
  });

  it('rec-real-populate replays exactly without its fault records too: a write populate gives the anon_vma', () => {
    const records = load('rec-real-populate');
    expect(records.some((r) => r.kind === 'size')).toBe(true); // the file grew after it was opened
    const r = replayTrace(records.filter((x) => x.kind !== 'fault'));
    expect(r.answersMatched, explainMismatches(r)).toBe(r.answered);
    expect(r.snapshotsMatched, explainMismatches(r)).toBe(2);
  });

  it('rec-limit-109 really fills the address space to vm.max_map_count', () => {
    const records = load('rec-limit-109');
    const max = (records[0] as TraceHeader).max_map_count!;
    // Op 1 reserves a PROT_NONE area; the fill splits it page by page (mprotect one page to r--) until the
    // kernel refuses.
    const reserve = records.find((r) => r.kind === 'op' && r.i === 1);
    expect(reserve?.kind === 'op' && reserve.op).toBe('mmap');
    const lo = BigInt(String(reserve?.kind === 'op' && reserve.ret));
    const hi = lo + BigInt(String(reserve?.kind === 'op' && reserve.len));
    const inArea = (a: unknown): boolean => typeof a === 'string' && BigInt(a) >= lo && BigInt(a) < hi;
    const refused = records.find(
      (r) => r.kind === 'op' && r.op === 'mprotect' && r.prot === 'r--' && inArea(r.addr) && r.err === 12,
    ) as { i: number } | undefined;
    expect(refused).toBeDefined();
    const prefix = records.filter(
      (r) => (r.kind !== 'op' || r.i <= refused!.i) && (r.kind !== 'maps' || r.at === 0),
    );
    const r = replayTrace(prefix);
    expect(r.answersMatched).toBe(r.ops);
    expect(r.mm.mapCount).toBe(max);
  });
});

describe.each(BACKENDS)('recorded traces on the %s backend', (backend) => {
  it.each([...TRACES, ...REAL])(
    '%s replays exactly',
    (name) => {
      const records = load(name);
      const r = replayTrace(records, { backend });
      expect(r.ops).toBe(records.filter((x) => x.kind === 'op').length);
      // Every layout call and madvise but MADV_COLLAPSE is answered (other calls of real programs are skipped),
      // and exactly.
      expect(r.answered).toBe(records.filter(answerable).length);
      expect(r.answersMatched, explainMismatches(r)).toBe(r.answered);
      expect(r.snapshots).toBe(records.filter((x) => x.kind === 'maps').length);
      expect(r.snapshotsMatched, explainMismatches(r)).toBe(r.snapshots);
      r.mm.validate();
    },
    60_000,
  );
});
