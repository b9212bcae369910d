// The guard-gap retry memo must never change an answer: replay random work
// heavy in grows-down mappings twice, once forgetting the memo before every
// call, and compare every answer and the final layout.
import { describe, expect, it, vi } from 'vitest';
import { AddressSpace, type BackendName, MAP, PROT } from '../src/index.js';
import { RetryMemo } from '../src/retry-memo.js';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe.each(['maple', 'legacy'] as BackendName[])('retry memo (%s)', (backend) => {
  it('gives the same answers as searching from scratch', () => {
    let resumed = 0;
    const original = RetryMemo.prototype.resume;
    const spy = vi.spyOn(RetryMemo.prototype, 'resume').mockImplementation(function (
      this: RetryMemo,
      ...args
    ) {
      const r = original.apply(this, args);
      if (r !== undefined) resumed++;
      return r;
    });
    const opts = { arch: 'x86_64', backend, mmapMinAddr: 4096 } as const;
    const a = new AddressSpace(opts);
    const b = new AddressSpace(opts);
    const rnd = prng(7);
    const mapped: number[] = [];
    for (let step = 0; step < 4000; step++) {
      const r = rnd();
      let ra: number;
      let rb: number;
      b.retryMemo.clear();
      if (r < 0.75 || mapped.length === 0) {
        // Small lengths repeat often; large ones and 2 MiB multiples (searched with
        // THP padding) make rejected windows reach below the guard they hit.
        const kind = rnd();
        const pages =
          kind < 0.6
            ? 1 + Math.floor(rnd() * 16)
            : kind < 0.85
              ? 200 + Math.floor(rnd() * 400)
              : 512 * (1 + Math.floor(rnd() * 2));
        const len = pages * 4096;
        const flags = MAP.PRIVATE | MAP.ANONYMOUS | (rnd() < 0.2 ? MAP.GROWSDOWN : 0);
        const prot = rnd() < 0.5 ? PROT.READ : PROT.READ | PROT.WRITE;
        ra = a.mmap(0, len, prot, flags);
        rb = b.mmap(0, len, prot, flags);
        if (ra > 0) mapped.push(ra);
      } else {
        const at = mapped.splice(Math.floor(rnd() * mapped.length), 1)[0]!;
        const len = (1 + Math.floor(rnd() * 64)) * 4096;
        ra = a.munmap(at, len);
        rb = b.munmap(at, len);
      }
      expect(ra).toBe(rb);
    }
    spy.mockRestore();
    expect(resumed).toBeGreaterThan(300); // searches really resumed below guard gaps
    expect(a.procMaps()).toBe(b.procMaps());
    a.validate();
  });
});
