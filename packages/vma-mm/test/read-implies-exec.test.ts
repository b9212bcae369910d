// The READ_IMPLIES_EXEC personality, as Linux 6.18 gave it to an ia32 program without PT_GNU_STACK
// (tools/recorder/programs/rie32.c, fixture rec-real-rie32): PROT_READ implies PROT_EXEC in mmap and in
// mprotect (where VM_MAYEXEC allows it), the heap is executable, and a noexec file is never made so.
import { describe, expect, it } from 'vitest';
import {
  AddressSpace,
  type BackendName,
  headerOptions,
  MAP,
  type MappedFile,
  PROT,
  type TraceHeader,
  VM_EXEC,
} from '../src/index.js';

const PAGE = 0x1000;
const X = 0x20000000;
const ANON = MAP.PRIVATE | MAP.ANONYMOUS | MAP.FIXED;
const FILE: MappedFile = { path: '/tmp/f', dev: 'fe:00', inode: 3, size: 16 * PAGE };

const space = (backend: BackendName, readImpliesExec: boolean) =>
  new AddressSpace({ arch: 'i386', backend, readImpliesExec, startBrk: 0x56559000 });
const exec = (mm: AddressSpace, addr: number) => (mm.findVma(addr)!.flags & VM_EXEC) !== 0;

describe.each<BackendName>(['maple', 'legacy'])('READ_IMPLIES_EXEC on the %s backend', (backend) => {
  it('makes what may be read executable: mmap, mprotect, the heap', () => {
    const mm = space(backend, true);
    mm.mmap(X, 4 * PAGE, PROT.READ, ANON);
    mm.mmap(X + 4 * PAGE, 4 * PAGE, PROT.READ | PROT.WRITE, ANON);
    mm.mmap(X + 8 * PAGE, 4 * PAGE, PROT.WRITE, ANON);
    expect([X, X + 4 * PAGE, X + 8 * PAGE].map((a) => exec(mm, a))).toEqual([true, true, false]);
    expect(mm.mprotect(X + 8 * PAGE, 4 * PAGE, PROT.READ | PROT.WRITE)).toBe(0);
    expect(mm.findVma(X + 4 * PAGE)?.end).toBe(X + 12 * PAGE); // rwx now, merged with the rwx before
    // A shared mapping through a read-only fd has no VM_MAYWRITE but may execute: r-x.
    const ro = mm.mmap(0, PAGE, PROT.READ, MAP.SHARED, { ...FILE, writable: false }, 0);
    expect(exec(mm, ro)).toBe(true);
    // A noexec file has no VM_MAYEXEC: neither mmap nor mprotect adds VM_EXEC.
    const nx = mm.mmap(0, PAGE, PROT.READ, MAP.PRIVATE, { ...FILE, noexec: true }, 0);
    expect(exec(mm, nx)).toBe(false);
    expect(mm.mprotect(nx, PAGE, PROT.READ)).toBe(0);
    expect(exec(mm, nx)).toBe(false);
    mm.brk(0x56559000 + 4 * PAGE);
    expect(exec(mm, 0x56559000)).toBe(true);
    expect(mm.procMaps()).toContain('rwxp 00000000 00:00 0                                  [heap]');
    mm.validate();
  });

  it('is off by default, and a header turns it on from the personality it records', () => {
    const mm = space(backend, false);
    mm.mmap(X, 4 * PAGE, PROT.READ, ANON);
    expect(exec(mm, X)).toBe(false);
    const h = { kind: 'header', format: 'vmtrace/1', arch: 'i386', page_size: PAGE } as TraceHeader;
    expect(headerOptions({ ...h, personality: '0x440000' }).readImpliesExec).toBe(true);
    expect(headerOptions({ ...h, personality: '0x40000' }).readImpliesExec).toBe(false);
    expect(headerOptions(h).readImpliesExec).toBe(false);
    expect(() => new AddressSpace({ arch: 'i386', readImpliesExec: 1 as unknown as boolean })).toThrow(
      TypeError,
    );
  });
});
