/**
 * The Linux kernel's own answers, replayed against core. Each case of
 * fixtures/shapes-6.12.json names a seeded operation sequence
 * (src/shapes/sequences.ts: random-order, in-order and reverse builds, mixed
 * stores and erases with spanning ones, NULL-heavy builds, VMA-like map and
 * unmap, writes ending on range boundaries; plain, gap-tracking and RCU trees) and holds what Linux 6.12's
 * lib/maple_tree.c did with it, recorded by tools/kernel-oracle: the node
 * count and mt_height after every operation, and a checksum of every node
 * (type, bounds, pivots, values and NULLs, gaps and the largest-gap slot) at
 * about 16 points. Core must give the same after every operation.
 *
 * To record the fixture again (needs a kernel tree; see tools/kernel-oracle/README.md):
 *   node tools/kernel-oracle/run.mjs --per-kind 4 --sizes 30,300,1000,3000 --seed 42 \
 *     --case mixed/alloc/s387/n5000,mixed/alloc/s596/n2000 --fixture test/kernel/fixtures/shapes-6.12.json
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeRuns, encodeRuns, type ShapeFixture, shapeChecksum } from '../../src/shapes/fixture.js';
import { applyOp, caseTree, dumpLines } from '../../src/shapes/replay.js';
import { caseName, generateOps, SEQUENCE_KINDS } from '../../src/shapes/sequences.js';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/shapes-6.12.json', import.meta.url), 'utf8'),
) as ShapeFixture;

describe('the fixture format', () => {
  it('round-trips run-length encoded differences', () => {
    const values = [1, 1, 1, 2, 3, 4, 4, 2, 0, 0, 7];
    expect(encodeRuns(values)).toBe('1,0*2,1*3,0,-2*2,0,7');
    expect(decodeRuns(encodeRuns(values))).toEqual(values);
    expect(decodeRuns('')).toEqual([]);
    expect(() => decodeRuns('1,x2')).toThrow(/bad run token/);
  });

  it('holds every kind on plain, gap-tracking and RCU trees', () => {
    const kinds = new Set(fixture.cases.map((c) => c.kind));
    expect([...kinds].sort()).toEqual([...SEQUENCE_KINDS].sort());
    expect(fixture.cases.some((c) => c.alloc)).toBe(true);
    expect(fixture.cases.some((c) => !c.alloc)).toBe(true);
    expect(fixture.cases.some((c) => c.rcu)).toBe(true);
  });
});

describe('core builds the kernel tree shapes (Linux 6.12, fixtures/shapes-6.12.json)', () => {
  for (const c of fixture.cases) {
    it(caseName(c), () => {
      const ops = generateOps(c);
      expect(ops.length, 'the generator still makes the recorded sequence').toBe(c.size);
      const nodes = decodeRuns(c.nodes);
      const heights = decodeRuns(c.heights);
      expect(nodes.length).toBe(ops.length);
      expect(heights.length).toBe(ops.length);
      const shapeAt = new Map(c.checkpoints.map((op, i) => [op, c.shapes[i] as string]));
      const tree = caseTree(c);
      ops.forEach((op, i) => {
        applyOp(tree, op);
        // One expect per mismatch only: a passing run makes no 60 000 assertions.
        if (tree.nodeCount !== nodes[i] || tree.height !== heights[i]) {
          expect(
            { nodes: tree.nodeCount, height: tree.height },
            `after op ${i + 1} (${JSON.stringify(op)})`,
          ).toEqual({ nodes: nodes[i], height: heights[i] });
        }
        const shape = shapeAt.get(i);
        if (shape !== undefined && shapeChecksum(dumpLines(tree)) !== shape) {
          expect(dumpLines(tree).join('\n'), `shape after op ${i + 1} (checksum ${shape} expected)`).toBe(
            c.finalDump?.join('\n') ?? `the kernel's shape ${shape}`,
          );
        }
      });
      if (c.finalDump) expect(dumpLines(tree)).toEqual(c.finalDump);
      tree.validate();
    });
  }
});
