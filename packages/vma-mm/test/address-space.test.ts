// The AddressSpace API beyond the traces: look-ups, the VMA iterator,
// placement rules, merges and splits, faults, fork and the maps format.
import { describe, expect, it } from 'vitest';
import {
  AddressSpace,
  type BackendName,
  EACCES,
  EFAULT,
  type LegacyIndex,
  MAP,
  MREMAP,
  PROT,
  VM_ACCOUNT,
  VM_GROWSDOWN,
} from '../src/index.js';
import { PROG_LAYOUT, progSpace } from './fixtures.js';

const ANON = MAP.PRIVATE | MAP.ANONYMOUS;
const RW = PROT.READ | PROT.WRITE;
const BASE = 0x7ffff7fff000; // mmap_base for an 8 MiB stack rlimit
const MiB = 1024 * 1024;

function space(backend: BackendName, layout: 'topdown' | 'legacy' = 'topdown'): AddressSpace {
  return progSpace(backend, { layout });
}

function lines(mm: AddressSpace): string[] {
  return mm.procMaps().trimEnd().split('\n');
}

describe.each(['maple', 'legacy'] as BackendName[])('AddressSpace (%s)', (backend) => {
  it('prints /proc/PID/maps exactly as it read it', () => {
    expect(space(backend).procMaps()).toBe(`${PROG_LAYOUT}\n`);
  });

  it('finds the heap and the stack from their labels when no options say where they are', () => {
    const text = [
      '00400000-00401000 r-xp 00000000 fe:00 5                                  /bin/x',
      '00600000-00623000 rw-p 00000000 00:00 0                                  [heap]',
      '7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]',
    ].join('\n');
    const mm = AddressSpace.fromMaps(text, { arch: 'x86_64', backend });
    expect(mm.procMaps()).toBe(`${text}\n`);
    expect(mm.brk(0)).toBe(0x623000);
    expect(mm.brk(0x624000)).toBe(0x624000);
    expect(lines(mm)[1]).toBe(
      '00600000-00624000 rw-p 00000000 00:00 0                                  [heap]',
    );
  });

  it('rejects malformed or overlapping maps text', () => {
    expect(() => AddressSpace.fromMaps('not maps', { arch: 'x86_64', backend })).toThrow(SyntaxError);
    const overlap = '1000-3000 rw-p 00000000 00:00 0\n2000-4000 rw-p 00000000 00:00 0';
    expect(() => AddressSpace.fromMaps(overlap, { arch: 'x86_64', backend })).toThrow(RangeError);
    expect(() => new AddressSpace({ arch: 'vax', backend })).toThrow(TypeError);
    expect(() => new AddressSpace({ arch: 'x86_64', backend: 'btree' as BackendName })).toThrow(TypeError);
  });

  it('answers find_vma, find_vma_prev, find_vma_intersection and vma_lookup', () => {
    const mm = space(backend);
    expect(mm.findVma(0x555555555800)?.start).toBe(0x555555555000);
    expect(mm.findVma(0x600000000000)?.start).toBe(0x7ffff7fc8000);
    expect(mm.findVma(0x7ffffffff000)).toBeUndefined();
    expect(mm.vmaLookup(0x600000000000)).toBeUndefined();
    expect(mm.vmaLookup(0x7ffff7fc9fff)?.name).toBe('[vdso]');
    const { vma, prev } = mm.findVmaPrev(0x600000000000);
    expect([vma?.start, prev?.start]).toEqual([0x7ffff7fc8000, 0x555555555000]);
    expect(mm.findVmaIntersection(0x555555556000, 0x7ffff7fc8000)).toBeUndefined();
    expect(mm.findVmaIntersection(0x555555556000, 0x7ffff7fc8001)?.name).toBe('[vdso]');
    expect([...mm.vmas(0x555555555000, 0x7ffff7fc9000)].map((v) => v.start)).toEqual([
      0x555555555000, 0x7ffff7fc8000,
    ]);
    expect([...mm.vmas()]).toHaveLength(4); // the gate area is not in the tree
  });

  it('places top-down below mmap_base, bottom-up from TASK_SIZE / 3, and honours free hints', () => {
    const mm = space(backend);
    expect(mm.mmap(0, 0x3000, RW, ANON)).toBe(BASE - 0x3000);
    expect(mm.mmap(0x10000000, 0x1000, RW, ANON)).toBe(0x10000000);
    expect(mm.mmap(0x10000000, 0x1000, RW, ANON)).toBe(BASE - 0x4000); // hint taken: search instead
    const legacy = space(backend, 'legacy');
    expect(legacy.mmap(0, 0x1000, RW, ANON)).toBe(0x2aaaaaaab000);
  });

  it('aligns 2 MiB-multiple anonymous mappings and file mappings with a whole 2 MiB for THP', () => {
    const mm = space(backend);
    const a = mm.mmap(0, 4 * MiB, RW, ANON);
    expect(a % (2 * MiB)).toBe(0);
    const file = { path: '/data', dev: 'fe:00', inode: 9 };
    const f = mm.mmap(0, 4 * MiB, PROT.READ, MAP.PRIVATE, file, 0x1000); // offsets 0x1000.. hold [2 MiB, 4 MiB)
    expect((f - 0x1000) % (2 * MiB)).toBe(0);
    const small = mm.mmap(0, 1 * MiB, PROT.READ, MAP.PRIVATE, file, 0);
    expect(small % (2 * MiB)).not.toBe(0);
  });

  it('vm_unmapped_area honours alignment masks and offsets in both directions', () => {
    const mm = space(backend);
    const hi = mm.vmUnmappedArea({
      length: 0x3000,
      low: 0x10000000,
      high: 0x20000000,
      alignMask: 0xfffff,
      topdown: true,
    });
    expect(hi).toBe(0x20000000 - 0x100000);
    const lo = mm.vmUnmappedArea({
      length: 0x3000,
      low: 0x10001000,
      high: 0x20000000,
      alignMask: 0xffff,
      alignOffset: 0x2000,
    });
    expect(lo).toBe(0x10002000); // the first address >= low that is 0x2000 modulo 64 KiB
    expect(mm.vmUnmappedArea({ length: 0x3000, low: 0x1000, high: 0x2000 })).toBe(-12);
    expect(mm.vmUnmappedArea({ length: 0x1800, low: 0, high: 0x2000 })).toBe(-22);
  });

  it('keeps new mappings a stack guard gap away from a grows-down VMA', () => {
    const mm = space(backend);
    const g = mm.mmap(0, 0x1000, RW, ANON | MAP.GROWSDOWN);
    expect(mm.vmaLookup(g)!.flags & VM_GROWSDOWN).toBeTruthy();
    const next = mm.mmap(0, 0x1000, RW, ANON);
    expect(g - (next + 0x1000)).toBe(256 * 4096);
  });

  it('merges adjacent anonymous mappings and splits and re-merges on mprotect', () => {
    const mm = space(backend);
    const a = mm.mmap(0, 0x2000, RW, ANON);
    const b = mm.mmap(0, 0x2000, RW, ANON);
    expect(b).toBe(a - 0x2000);
    const count = mm.mapCount;
    expect(mm.vmaLookup(b)).toBe(mm.vmaLookup(a)); // one VMA
    expect(mm.mprotect(b + 0x1000, 0x1000, PROT.READ)).toBe(0);
    expect(mm.mapCount).toBe(count + 2);
    expect(mm.mprotect(b + 0x1000, 0x1000, RW)).toBe(0);
    expect(mm.mapCount).toBe(count);
    mm.validate();
  });

  it('does not merge a range between two neighbours with different identities into both', () => {
    const mm = space(backend);
    const hi = mm.mmap(0x20003000, 0x1000, RW, ANON | MAP.FIXED);
    const lo = mm.mmap(0x20001000, 0x1000, RW, ANON | MAP.FIXED);
    expect(mm.fault(hi, true)).toBe(0);
    expect(mm.fault(lo, true)).toBe(0);
    expect(mm.vmaLookup(hi)!.anon).not.toBe(mm.vmaLookup(lo)!.anon);
    mm.mmap(0x20002000, 0x1000, RW, ANON | MAP.FIXED);
    expect(mm.vmaLookup(0x20002000)!.start).toBe(0x20001000); // joined the left one only
    expect(mm.vmaLookup(0x20003000)!.start).toBe(0x20003000);
    mm.validate();
  });

  it('grows in place, moves, and keeps the source with MREMAP_DONTUNMAP', () => {
    const mm = space(backend);
    const a = mm.mmap(0x30000000, 0x2000, RW, ANON | MAP.FIXED);
    expect(mm.mremap(a, 0x2000, 0x4000, 0)).toBe(a);
    expect(mm.vmaLookup(a)!.end).toBe(a + 0x4000);
    mm.mmap(a + 0x4000, 0x1000, PROT.READ, ANON | MAP.FIXED);
    const moved = mm.mremap(a, 0x4000, 0x8000, MREMAP.MAYMOVE);
    expect(moved).not.toBe(a);
    expect(mm.vmaLookup(a)).toBeUndefined();
    expect(mm.vmaLookup(moved)!.end).toBe(moved + 0x8000);
    const kept = mm.mremap(moved, 0x8000, 0x8000, MREMAP.MAYMOVE | MREMAP.DONTUNMAP);
    expect(kept).toBeGreaterThan(0);
    expect(mm.vmaLookup(moved)).toBeDefined();
    expect(mm.vmaLookup(kept)).toBeDefined();
    mm.validate();
  });

  it('extends the heap VMA with brk and names it [heap]', () => {
    const mm = space(backend);
    const b0 = mm.brk(0);
    mm.brk(b0 + 0x1000);
    mm.brk(b0 + 0x3000);
    expect(lines(mm)).toContain(
      '555555556000-555555559000 rw-p 00000000 00:00 0                          [heap]',
    );
    expect(mm.brk(b0 + 0x1800)).toBe(b0 + 0x1800);
    expect(lines(mm)).toContain(
      '555555556000-555555558000 rw-p 00000000 00:00 0                          [heap]',
    );
  });

  it('faults: identities on write, access errors, stack growth within the rlimit', () => {
    const mm = space(backend);
    const ro = mm.mmap(0, 0x1000, PROT.READ, ANON);
    expect(mm.fault(ro, true)).toBe(-EACCES);
    expect(mm.fault(ro, false)).toBe(0);
    expect(mm.vmaLookup(ro)!.anon).toBe(0);
    expect(mm.fault(0x1000, false)).toBe(-EFAULT);
    expect(mm.fault(0x7ffffffd0000, true)).toBe(0); // below [stack]: it grows
    expect(lines(mm)).toContain(
      '7ffffffd0000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]',
    );
    expect(mm.fault(0x7fffff000000, true)).toBeLessThan(0); // beyond RLIMIT_STACK
    const pop = mm.mmap(0, 0x2000, RW, ANON | MAP.POPULATE);
    expect(mm.vmaLookup(pop)!.anon).not.toBe(0);
    mm.validate();
  });

  it('fork copies the layout; the two address spaces then change independently', () => {
    const mm = space(backend);
    const a = mm.mmap(0, 0x2000, RW, ANON);
    expect(mm.fault(a, true)).toBe(0);
    const child = mm.fork();
    expect(child.procMaps()).toBe(mm.procMaps());
    expect(child.munmap(a, 0x2000)).toBe(0);
    expect(mm.vmaLookup(a)).toBeDefined();
    expect(child.vmaLookup(a)).toBeUndefined();
    // An inherited identity does not spread to an unfaulted neighbour (uncowed parents).
    const c = child.fork();
    const b = c.mmap(0x40000000, 0x1000, RW, ANON | MAP.FIXED);
    c.fault(b, true);
    const cc = c.fork();
    cc.mmap(0x40001000, 0x1000, RW, ANON | MAP.FIXED);
    expect(cc.vmaLookup(0x40001000)!.start).toBe(0x40001000);
    child.validate();
    cc.validate();
  });

  it('maps droppable memory unreserved and wipes it on fork', () => {
    const mm = space(backend);
    const d = mm.mmap(0, 0x2000, RW, MAP.DROPPABLE | MAP.ANONYMOUS);
    expect(d).toBeGreaterThan(0);
    expect(mm.vmaLookup(d)!.flags & VM_ACCOUNT).toBe(0);
    expect(mm.mmap(0, 0x2000, RW, MAP.DROPPABLE | MAP.ANONYMOUS | MAP.LOCKED)).toBe(-22);
    mm.fault(d, true);
    expect(mm.fork().vmaLookup(d)!.anon).toBe(0);
  });
});

describe('legacy VMA cache', () => {
  it('answers repeated find_vma from the cache and never returns an unmapped VMA', () => {
    const mm = space('legacy');
    const idx = mm.index as LegacyIndex;
    const a = mm.mmap(0, 0x1000, RW, ANON);
    mm.findVma(a);
    const hits = idx.stats.cacheHits;
    mm.findVma(a);
    mm.findVma(a);
    expect(idx.stats.cacheHits).toBe(hits + 2);
    expect(mm.munmap(a, 0x1000)).toBe(0);
    expect(mm.vmaLookup(a)).toBeUndefined();
    expect(idx.cacheStats.misses).toBeGreaterThan(0);
  });
});
