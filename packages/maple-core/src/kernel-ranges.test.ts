/**
 * Height checks from the kernel's range tests (lib/test_maple_tree.c,
 * check_ranges): store sequences that must keep a gap-tracking tree under
 * height 4 until one last store splits three ways up the tree.
 */
import { describe, expect, it } from 'vitest';
import { expectValid } from '../test/helpers.js';
import { resetStoreStats, storeStats } from './stats.js';
import { MapleTree } from './tree.js';

function overlappingTens(n: number): MapleTree<number> {
  const t = new MapleTree<number>({ allocRange: true });
  for (let i = 0; i <= n; i++) {
    t.storeRange(i * 10, (i + 1) * 10, i * 10);
    expect(t.height).toBeLessThan(4);
  }
  expectValid(t);
  return t;
}

describe('kernel check_ranges heights', () => {
  it('a three-child split all the way up makes height 4', () => {
    const t = overlappingTens(1300);
    for (let i = 5; i < 215; i += 10) t.storeRange(11450 + i, 11450 + i + 1, undefined);
    for (let i = 5; i < 65; i += 10) t.storeRange(11770 + i, 11770 + i + 1, undefined);
    expect(t.height).toBeLessThan(4);
    for (let i = 5; i < 45; i += 10) t.storeRange(11700 + i, 11700 + i + 1, undefined);
    expect(t.height).toBeGreaterThanOrEqual(4);
    expectValid(t);
  });

  it('a triple split across levels makes height exactly 4', () => {
    const t = overlappingTens(1200);
    for (let i = 5; i < 455; i += 10) t.storeRange(7800 + i, 7800 + i + 1, undefined);
    for (let i = 1; i < 16; i++) t.storeRange(8185 + i, 8185 + i + 1, 8185 + i);
    expect(t.height).toBeLessThan(4);
    resetStoreStats();
    t.store(8184, 8184);
    expect(t.height).toBe(4);
    expect(storeStats.splitStore).toBe(1);
    expectValid(t);
  });
});
