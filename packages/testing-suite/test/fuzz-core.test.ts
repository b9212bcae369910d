// A short, fixed-seed slice of the differential fuzzer against
// @maple-tree/core: plain and gap-tracking trees, RCU mode on and off, every
// public call, bad input mixed in. A failure prints the shrunk case as a
// ready-to-paste test. Longer runs: `pnpm fuzz --seconds 60`.
import { describe, expect, it } from 'vitest';
import { coreTree } from '../src/core-tree.js';
import { fuzz } from '../src/fuzz/fuzz.js';

describe('differential fuzzing against the reference model', () => {
  it.each([101, 202, 303])('seed %i: no difference in 400 cases', (seed) => {
    const report = fuzz({ factory: coreTree, seed, batchRuns: 400, maxOps: 60 });
    if (!report.ok) {
      console.log(report.failure!.message);
      console.log(report.failure!.test);
    }
    expect(report.failure?.message).toBeUndefined();
    expect(report.cases).toBe(400);
  });
});
