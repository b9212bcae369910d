// Randomised differential runs: the same seeded syscall sequence (mmap with
// hints, MAP_FIXED, MAP_FIXED_NOREPLACE, grows-down stacks and files; munmap,
// mprotect, mremap, brk, faults, fork) on both backends, on several arch
// profiles and both layouts. After every step the answers, /proc/PID/maps,
// find_vma / find_vma_prev at random addresses and get_unmapped_area must be
// identical; both indexes validate their invariants every few steps.
// Short here (CI); DIFF_STEPS=3000 in the environment runs longer sequences.
import { describe, expect, it } from 'vitest';
import { prng } from '../bench/measure.js';
import { AddressSpace, type AddressSpaceOptions, MAP, type MappedFile, MREMAP, PROT } from '../src/index.js';

const STEPS = Number(process.env.DIFF_STEPS ?? 350);

const FILES: MappedFile[] = [
  { path: '/usr/lib/libc.so.6', dev: 'fe:01', inode: 11 },
  { path: '/var/db/data', dev: 'fe:01', inode: 12 },
];

/** One random call, applied to every address space; returns the answers. */
function step(rnd: () => number, spaces: AddressSpace[], anchors: number[]): unknown[] {
  const [mm] = spaces as [AddressSpace];
  const ps = mm.pageSize;
  const pick = (n: number) => Math.floor(rnd() * n);
  const len = (1 + pick(rnd() < 0.1 ? 600 : 12)) * ps;
  // An address near something already mapped, or near mmap_base.
  const near = () => {
    const a = anchors.length && rnd() < 0.8 ? anchors[pick(anchors.length)]! : mm.mmapBase;
    return Math.max(0, a + (pick(64) - 32) * ps);
  };
  const prot = [PROT.READ, PROT.READ | PROT.WRITE, PROT.NONE, PROT.READ | PROT.EXEC][pick(4)]!;
  const op = rnd();
  let call: (m: AddressSpace) => unknown;
  if (op < 0.3) {
    let flags = rnd() < 0.8 ? MAP.PRIVATE | MAP.ANONYMOUS : MAP.SHARED | MAP.ANONYMOUS;
    const kind = rnd();
    let addr = 0;
    if (kind < 0.45) addr = near();
    if (kind >= 0.25 && kind < 0.4) flags |= MAP.FIXED;
    else if (kind >= 0.4 && kind < 0.45) flags |= MAP.FIXED_NOREPLACE;
    if (rnd() < 0.05) flags |= MAP.GROWSDOWN;
    if (rnd() < 0.05) flags |= MAP.POPULATE;
    const file = rnd() < 0.25 ? FILES[pick(2)]! : null;
    if (file) flags &= ~MAP.ANONYMOUS;
    const off = file ? pick(32) * ps : 0;
    call = (m) => m.mmap(addr, len, prot, flags, file, off);
  } else if (op < 0.45) {
    const a = near();
    call = (m) => m.munmap(a, len);
  } else if (op < 0.6) {
    const a = near();
    call = (m) => m.mprotect(a, len, prot);
  } else if (op < 0.72) {
    const a = near();
    const grow = (1 + pick(16)) * ps;
    const flags = [0, MREMAP.MAYMOVE, MREMAP.MAYMOVE | MREMAP.FIXED, MREMAP.MAYMOVE | MREMAP.DONTUNMAP][
      pick(4)
    ]!;
    const dest = near();
    call = (m) => m.mremap(a, len, flags & MREMAP.DONTUNMAP ? len : grow, flags, dest);
  } else if (op < 0.8) {
    const delta = (pick(64) - 24) * ps;
    call = (m) => m.brk(m.currentBrk + delta);
  } else if (op < 0.9) {
    const a = near();
    const write = rnd() < 0.5;
    call = (m) => m.fault(a, write);
  } else {
    const hint = rnd() < 0.5 ? 0 : near();
    const flags = rnd() < 0.5 ? MAP.PRIVATE | MAP.ANONYMOUS : MAP.SHARED;
    call = (m) => m.getUnmappedArea(hint, len, 0, flags);
  }
  const answers = spaces.map(call);
  const r = answers[0];
  if (typeof r === 'number' && r > 0 && r % ps === 0) anchors.push(r);
  if (anchors.length > 64) anchors.splice(0, 32);
  return answers;
}

/** find_vma, find_vma_prev and vma_lookup at random addresses, as comparable plain values. */
function probes(mm: AddressSpace, addrs: number[]): unknown[] {
  const at = (v: { start: number; end: number } | undefined) => (v ? [v.start, v.end] : null);
  return addrs.map((a) => {
    const { vma, prev } = mm.findVmaPrev(a);
    return [
      at(mm.findVma(a)),
      at(vma),
      at(prev),
      at(mm.vmaLookup(a)),
      at(mm.findVmaIntersection(a, a + 4096)),
    ];
  });
}

const CONFIGS: [string, AddressSpaceOptions][] = [
  ['x86_64 top-down', { arch: 'x86_64', startBrk: 0x555555556000, maxMapCount: 300 }],
  ['x86_64 legacy layout', { arch: 'x86_64', layout: 'legacy', startBrk: 0x555555556000 }],
  ['i386 compat', { arch: 'i386', startBrk: 0x8050000 }],
  ['arm64 64K pages, 52-bit', { arch: 'arm64-64k-52', startBrk: 0xaaaab0000000 }],
  ['riscv64 sv57, randomised', { arch: 'riscv64-sv57', startBrk: 0x2aab000000, aslrSeed: 7 }],
];

describe.each(CONFIGS)('maple and legacy backends agree: %s', (_name, options) => {
  it.each([1, 2])(`seed %i: ${STEPS} random syscalls, identical answers and maps after each`, (seed) => {
    const rnd = prng(seed * 7919);
    const spaces = [
      new AddressSpace({ ...options, backend: 'maple' }),
      new AddressSpace({ ...options, backend: 'legacy' }),
    ];
    const anchors: number[] = [];
    let changed = 0;
    for (let i = 0; i < STEPS; i++) {
      const answers = step(rnd, spaces, anchors);
      expect(answers[1], `step ${i}`).toEqual(answers[0]);
      const [maple, legacy] = spaces as [AddressSpace, AddressSpace];
      const maps = maple.procMaps();
      expect(legacy.procMaps(), `maps after step ${i}`).toBe(maps);
      if (answers[0] === 0 || (typeof answers[0] === 'number' && answers[0] > 0)) changed++;
      const addrs = Array.from(
        { length: 4 },
        () => (anchors[Math.floor(rnd() * anchors.length)] ?? 0) + 4096,
      );
      expect(probes(legacy, addrs)).toEqual(probes(maple, addrs));
      if (i % 50 === 49) {
        maple.validate();
        legacy.validate();
        // Fork both and carry on with the children: dup_mmap must agree too.
        if (rnd() < 0.5) spaces.splice(0, 2, maple.fork(), legacy.fork());
      }
    }
    // The run did real work: most calls succeeded and the space is populated.
    expect(changed).toBeGreaterThan(STEPS / 3);
    expect(spaces[0]!.mapCount).toBeGreaterThan(3);
  });
});
