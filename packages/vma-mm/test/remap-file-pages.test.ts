// remap_file_pages as Linux 6.18 emulates it (tools/recorder/programs/remapfile.c, fixture
// rec-real-remapfile): an mmap of the same open file at another offset over a shared mapping's range.
import { describe, expect, it } from 'vitest';
import { type BackendName, EINVAL, MAP, type MappedFile, PROT, VM_LOCKED } from '../src/index.js';
import { progSpace } from './fixtures.js';

const PAGE = 0x1000;
const X = 0x20000000;
const RW = PROT.READ | PROT.WRITE;
const FILE: MappedFile = { path: '/tmp/rfp.dat', dev: 'fe:00', inode: 12, size: 64 * PAGE };

describe.each<BackendName>(['maple', 'legacy'])('remap_file_pages on the %s backend', (backend) => {
  it('maps a piece of a shared file mapping at another offset; back at its own it merges again', () => {
    const mm = progSpace(backend);
    mm.mmap(X, 16 * PAGE, RW, MAP.SHARED | MAP.FIXED, FILE, 0);
    expect(mm.remapFilePages(X + 4 * PAGE, 2 * PAGE, 0, 10)).toBe(0);
    expect(mm.findVma(X + 4 * PAGE)?.pgoff).toBe(10);
    expect(mm.findVma(X)?.end).toBe(X + 4 * PAGE);
    expect(mm.remapFilePages(X + 4 * PAGE, 2 * PAGE, 0, 4)).toBe(0);
    expect(mm.findVma(X)?.end).toBe(X + 16 * PAGE);
    // Rounded down to pages: [X + 4 pages, + 2 pages).
    expect(mm.remapFilePages(X + 4 * PAGE + 5, 2 * PAGE + 3, 0, 20, MAP.NONBLOCK)).toBe(0);
    expect(mm.findVma(X + 4 * PAGE)?.end).toBe(X + 6 * PAGE);
    mm.validate();
  });

  it('refuses prot, empty and wrapping ranges, private mappings, holes and mixed flags', () => {
    const mm = progSpace(backend);
    mm.mmap(X, 16 * PAGE, RW, MAP.SHARED | MAP.FIXED, FILE, 0);
    mm.mmap(X + 32 * PAGE, 8 * PAGE, PROT.READ, MAP.PRIVATE | MAP.FIXED, FILE, 0);
    const before = mm.procMaps();
    expect(mm.remapFilePages(X, PAGE, PROT.READ, 3)).toBe(-EINVAL);
    expect(mm.remapFilePages(X, PAGE - 1, 0, 3)).toBe(-EINVAL); // rounds down to nothing
    expect(mm.remapFilePages(X, PAGE, 0, 2 ** 64 - 1)).toBe(-EINVAL); // the offset wraps
    expect(mm.remapFilePages(X + 14 * PAGE, 4 * PAGE, 0, 30)).toBe(-EINVAL); // runs into a hole
    expect(mm.remapFilePages(X + 32 * PAGE, PAGE, 0, 3)).toBe(-EINVAL); // private
    expect(mm.remapFilePages(X + 48 * PAGE, PAGE, 0, 3)).toBe(-EINVAL); // nothing there
    expect(mm.procMaps()).toBe(before);
    mm.mprotect(X + 8 * PAGE, 2 * PAGE, PROT.READ);
    expect(mm.remapFilePages(X + 6 * PAGE, 6 * PAGE, 0, 40)).toBe(-EINVAL); // other flags on the way
    // Through a read-only descriptor a shared mapping has no VM_SHARED.
    mm.mmap(X + 48 * PAGE, 4 * PAGE, PROT.READ, MAP.SHARED | MAP.FIXED, { ...FILE, writable: false }, 0);
    expect(mm.remapFilePages(X + 48 * PAGE, 2 * PAGE, 0, 8)).toBe(-EINVAL);
  });

  it('a locked mapping stays locked', () => {
    const mm = progSpace(backend);
    mm.mmap(X, 4 * PAGE, RW, MAP.SHARED | MAP.FIXED | MAP.LOCKED, FILE, 0);
    expect(mm.remapFilePages(X, 2 * PAGE, 0, 8)).toBe(0);
    expect(mm.findVma(X)!.flags & VM_LOCKED).toBe(VM_LOCKED);
  });
});
