// Tests of the fuzzer itself: it must pass a correct implementation, catch a
// planted bug, shrink it to a minimal case and print that case as a test.
import { MapleError } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { checkModelRange, MapleModel, type MapleModelOptions } from '../model.js';
import { emitTest } from './emit.js';
import { fuzz } from './fuzz.js';
import type { TreeLike } from './subject.js';

/** A model with one planted bug: a store that ends at index 40 stops one short. */
class OffByOne<V> extends MapleModel<V> {
  override storeRange(first: number, last: number, value: V | undefined): void {
    super.storeRange(first, last === 40 && first < 40 ? 39 : last, value);
  }
}

/**
 * A model with a node budget: with `maxNodes` set, a store once it holds
 * `maxNodes` ranges is refused with ENOMEM. `leaky` writes before refusing,
 * breaking the rule that a failed call changes nothing.
 */
class Budgeted<V> extends MapleModel<V> {
  constructor(
    private readonly options: MapleModelOptions & { maxNodes?: number },
    private readonly leaky: boolean,
  ) {
    super(options);
  }

  override storeRange(first: number, last: number, value: V | undefined): void {
    checkModelRange(first, last); // bad arguments are EINVAL before any budget question
    const max = this.options.maxNodes;
    if (max !== undefined && this.size >= max) {
      if (this.leaky) super.storeRange(first, last, value);
      throw new MapleError('ENOMEM', 'over budget');
    }
    super.storeRange(first, last, value);
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
    expect(['storeRange', 'fill', 'iterWrite', 'clone']).toContain(failure.case.ops[0]!.k);
    expect(failure.message).toMatch(/holds|size/);
    expect(failure.test).toMatch(/(tree|copy)\.storeRange\(\d+, 40, /);
    expect(failure.test).toContain("from '@maple-tree/core'");
  });

  it('accepts ENOMEM refusals that change nothing, and catches one that does', () => {
    const honest = fuzz({
      factory: (o) => new Budgeted<unknown>(o, false) as TreeLike<unknown>,
      seed: 3,
      batchRuns: 150,
    });
    expect(honest.failure?.message).toBeUndefined();
    const leaky = fuzz({
      factory: (o) => new Budgeted<unknown>(o, true) as TreeLike<unknown>,
      seed: 3,
      batchRuns: 300,
    });
    expect(leaky.ok).toBe(false);
    expect(leaky.failure!.case.maxNodes).toBeDefined();
    expect(leaky.failure!.test).toContain("'ENOMEM'");
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
