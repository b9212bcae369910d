// pkey_mprotect as Linux 6.18 answered it on a CPU without protection keys (tools/recorder/programs/pkeys.c,
// fixture rec-real-pkeys): key -1 is mprotect; no key is ever allocated here, so any other is EINVAL once
// the arguments passed their checks.
import { describe, expect, it } from 'vitest';
import { type BackendName, EINVAL, MAP, PROT } from '../src/index.js';
import { progSpace } from './fixtures.js';

const PAGE = 0x1000;
const X = 0x20000000;
const RW = PROT.READ | PROT.WRITE;

describe.each<BackendName>(['maple', 'legacy'])('pkey_mprotect on the %s backend', (backend) => {
  it('with key -1 is mprotect: the same splits, merges and answers', () => {
    const mm = progSpace(backend);
    const twin = progSpace(backend);
    for (const m of [mm, twin]) m.mmap(X, 16 * PAGE, RW, MAP.PRIVATE | MAP.ANONYMOUS | MAP.FIXED);
    const calls: [number, number, number][] = [
      [X + 4 * PAGE, 4 * PAGE, PROT.READ],
      [X + 8 * PAGE, 4 * PAGE, PROT.READ],
      [X, 4 * PAGE, PROT.EXEC],
      [X + 1, PAGE, PROT.READ],
      [X + 15 * PAGE, 4 * PAGE, PROT.READ],
    ];
    for (const [a, l, p] of calls) expect(mm.pkeyMprotect(a, l, p, -1)).toBe(twin.mprotect(a, l, p));
    expect(mm.procMaps()).toBe(twin.procMaps());
    expect(mm.findVma(X + 4 * PAGE)?.end).toBe(X + 12 * PAGE); // the two read-only pieces merged
  });

  it('any other key was never allocated: EINVAL after the argument checks, nothing changes', () => {
    const mm = progSpace(backend);
    mm.mmap(X, 4 * PAGE, RW, MAP.PRIVATE | MAP.ANONYMOUS | MAP.FIXED);
    const before = mm.procMaps();
    expect(mm.pkeyMprotect(X, PAGE, PROT.READ, 1)).toBe(-EINVAL);
    expect(mm.pkeyMprotect(X, PAGE, PROT.READ, 2 ** 32 - 1)).toBe(0); // the int is -1
    expect(mm.pkeyMprotect(X, PAGE, RW, 0)).toBe(-EINVAL);
    expect(mm.pkeyMprotect(X, 0, PROT.READ, 5)).toBe(0); // a zero length returns first
    expect(mm.pkeyMprotect(X + 1, PAGE, PROT.READ, 5)).toBe(-EINVAL);
    expect(mm.pkeyMprotect(X, PAGE, PROT.READ, 1.5)).toBe(-EINVAL);
    mm.mprotect(X, PAGE, RW);
    expect(mm.procMaps()).toBe(before);
  });
});
