// RLIMIT_AS and RLIMIT_DATA as Linux 6.18 applied them to a recorded test program
// (tools/recorder/programs/vmlimits.c, fixture rec-real-vmlimits): may_expand_vm counts every VMA
// against RLIMIT_AS and private writable memory that is no stack against RLIMIT_DATA; brk also counts
// the data segment (check_data_rlimit).
import { describe, expect, it } from 'vitest';
import {
  type BackendName,
  ENOMEM,
  headerOptions,
  MAP,
  MREMAP,
  PROT,
  type TraceHeader,
} from '../src/index.js';
import { progSpace } from './fixtures.js';

const MB = 2 ** 20;
const X = 0x20000000;
const RW = PROT.READ | PROT.WRITE;
const ANON = MAP.PRIVATE | MAP.ANONYMOUS;

describe.each<BackendName>(['maple', 'legacy'])('RLIMIT_AS and RLIMIT_DATA on the %s backend', (backend) => {
  it('RLIMIT_DATA: private writable memory, what mprotect makes writable, mremap growth and copies', () => {
    const mm = progSpace(backend, { dataRlimit: 32 * MB });
    const a = mm.mmap(0, 20 * MB, RW, ANON);
    expect(a).toBeGreaterThan(0);
    expect(mm.mmap(0, 20 * MB, RW, ANON)).toBe(-ENOMEM);
    const r = mm.mmap(0, 20 * MB, PROT.READ, ANON); // read-only: no data
    expect(r).toBeGreaterThan(0);
    expect(mm.mprotect(r, 4 * MB, RW)).toBe(0);
    expect(mm.mprotect(r + 4 * MB, 16 * MB, RW)).toBe(-ENOMEM);
    expect(mm.mmap(0, 20 * MB, RW, MAP.SHARED | MAP.ANONYMOUS)).toBeGreaterThan(0); // shared: no data
    expect(mm.mmap(a, 20 * MB, RW, ANON | MAP.FIXED)).toBe(a); // replaces as much as it adds
    expect(mm.mremap(a, 20 * MB, 30 * MB, MREMAP.MAYMOVE)).toBe(-ENOMEM);
    expect(mm.mremap(a, 20 * MB, 20 * MB, MREMAP.MAYMOVE | MREMAP.DONTUNMAP)).toBe(-ENOMEM);
    expect(mm.mremap(a, 20 * MB, 20 * MB, MREMAP.MAYMOVE | MREMAP.FIXED, X)).toBe(X); // a move adds nothing
    mm.validate();
  });

  it('brk: the heap and the data segment against RLIMIT_DATA, then the heap pages', () => {
    const start = 0x555555556000;
    const mm = progSpace(backend, { dataRlimit: 4 * MB, dataSegment: MB });
    expect(mm.brk(start + 3 * MB)).toBe(start + 3 * MB);
    expect(mm.brk(start + 3 * MB + 1)).toBe(start + 3 * MB); // check_data_rlimit: 3 MiB + 1 + 1 MiB
    expect(mm.brk(start + MB)).toBe(start + MB);
    const big = progSpace(backend, { dataRlimit: 4 * MB });
    big.mmap(0, 3 * MB, RW, ANON);
    expect(big.brk(start + 2 * MB)).toBe(start); // the heap's pages are data too: do_brk_flags refuses
  });

  it('RLIMIT_AS: every mapping counts, reservations too; the header gives the limits', () => {
    const mm = progSpace(backend, { asRlimit: 160 * MB });
    const big = mm.mmap(0, 100 * MB, PROT.NONE, ANON | MAP.NORESERVE);
    expect(big).toBeGreaterThan(0);
    expect(mm.mmap(0, 100 * MB, PROT.NONE, ANON | MAP.NORESERVE)).toBe(-ENOMEM);
    expect(mm.munmap(big, 100 * MB)).toBe(0);
    expect(mm.mmap(0, 100 * MB, PROT.NONE, ANON | MAP.NORESERVE)).toBeGreaterThan(0);
    const h = { kind: 'header', format: 'vmtrace/1', arch: 'x86_64', page_size: 4096 } as TraceHeader;
    const o = headerOptions({ ...h, as_rlimit: 167772160, data_rlimit: 33554432, data_segment: 616 });
    expect([o.asRlimit, o.dataRlimit, o.dataSegment]).toEqual([167772160, 33554432, 616]);
  });
});
