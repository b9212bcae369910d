// Tests of the fuzzer itself: it must pass a correct implementation, catch a
// planted bug, shrink it to a minimal case and print that case as a test.
import { describe, expect, it } from 'vitest';
import { MapleModel } from '../model.js';
import { emitTest } from './emit.js';
import { fuzz } from './fuzz.js';
import type { TreeLike } from './subject.js';

/** A model with one planted bug: a store that ends at index 40 stops one short. */
class OffByOne<V> extends MapleModel<V> {
  override storeRange(first: number, last: number, value: V | undefined): void {
    super.storeRange(first, last === 40 && first < 40 ? 39 : last, value);
  }
}

describe('the differential fuzzer', () => {
  it('finds nothing wrong with the model itself', () => {
    const report = fuzz({
      factory: (o) => new MapleModel<unknown>(o) as TreeLike<unknown>,
      seed: 1,
      batchRuns: 60,
    });
    expect(report.failure?.message).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(report.cases).toBe(60);
  });

  it('catches a planted bug and shrinks it to one write', () => {
    const report = fuzz({
      factory: (o) => new OffByOne<unknown>(o) as TreeLike<unknown>,
      seed: 7,
      batchRuns: 200,
    });
    expect(report.ok).toBe(false);
    const failure = report.failure!;
    expect(failure.case.ops).toHaveLength(1);
    expect(['storeRange', 'fill']).toContain(failure.case.ops[0]!.k);
    expect(failure.message).toMatch(/holds|size/);
    expect(failure.test).toMatch(/tree\.storeRange\(\d+, 40, /);
    expect(failure.test).toContain("from '@maple-tree/core'");
  });

  it('prints a test whose expectations come from the model', () => {
    const text = emitTest(
      {
        allocRange: true,
        rcu: false,
        ops: [
          { k: 'storeRange', f: 10, l: 20, v: 5 },
          { k: 'find', i: 0 },
          { k: 'bad', bad: { call: 'load', args: [-1] } },
          { k: 'alloc', v: 6, size: 3, min: 0, max: 100, rev: true },
        ],
      },
      'example',
    );
    expect(text).toContain('tree.storeRange(10, 20, 5);');
    expect(text).toContain('expect(tree.find(0)).toEqual({ first: 10, last: 20, value: 5 });');
    expect(text).toContain('expectEinval(() => tree.load(-1));');
    expect(text).toContain('expect(tree.allocRangeRev(6, 3, 0, 100)).toBe(98);');
  });
});
