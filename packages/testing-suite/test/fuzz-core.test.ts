// A short, fixed-seed slice of the differential fuzzer against
// @maple-tree/core: plain and gap-tracking trees, RCU mode on and off, every
// public call, bad input mixed in. A failure prints the shrunk case as a
// ready-to-paste test. Longer runs: `pnpm fuzz --seconds 60`.
import { describe, expect, it } from 'vitest';
import { coreTree } from '../src/core-tree.js';
import { type FuzzOptions, fuzz } from '../src/fuzz/fuzz.js';

function noDifference(options: Omit<FuzzOptions, 'factory'>, cases: number): void {
  const report = fuzz({ factory: coreTree, ...options });
  if (!report.ok) {
    console.log(report.failure!.message);
    console.log(report.failure!.test);
  }
  expect(report.failure?.message).toBeUndefined();
  expect(report.cases).toBe(cases);
}

describe('differential fuzzing against the reference model', () => {
  it.each([101, 202, 303])('seed %i: no difference in 400 cases', (seed) => {
    noDifference({ seed, batchRuns: 400, maxOps: 60 }, 400);
  });

  // Only writes, fills and cursor sessions: more sessions per case, on trees
  // of two and three levels as often as on one leaf, so that writes between
  // a cursor's steps also move its range to other nodes.
  it('seed 404, cursor sessions between writes: no difference in 300 cases', () => {
    const reads = ['load', 'find', 'next', 'prev', 'entries', 'forEach', 'emptyArea'];
    const exclude = [...reads, 'iterWrite', 'clone', 'bad', 'clear'];
    noDifference({ seed: 404, batchRuns: 300, maxOps: 60, exclude }, 300);
  });
});
