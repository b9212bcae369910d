/**
 * A spanning store that ends exactly at the max of the node where the write
 * walk stopped: in mas_wr_spanning_store the right-hand walk (for last + 1)
 * starts from that node, so it stops at the node's last slot and nothing of
 * the next node joins the rebuild. Core used to walk for last + 1 from the
 * root, pulling the first leaf of the next node in and moving the boundary
 * between the two internal nodes. The expectations are Linux 6.12's answers
 * to the same operations (recorded with packages/testing-suite/tools/kernel-oracle).
 */
import { describe, expect, it } from 'vitest';
import { MAPLE_MAX } from './errors.js';
import { inspectNodes } from './inspect.js';
import { MapleTree } from './tree.js';

/** Each node as `depth min-max`, with a leaf's pivots (max printed as `max`). */
function outline(tree: MapleTree<number>, from: number, to: number): string[] {
  const text = (n: number) => (n === MAPLE_MAX ? 'max' : String(n));
  return [...inspectNodes(tree)]
    .filter((n) => n.max >= from && n.min <= to)
    .map(
      (n) =>
        `${n.depth} ${n.min}-${text(n.max)}${n.type === 'leaf_64' ? ` | ${n.pivots.map(text).join(' ')}` : ''}`,
    );
}

describe('a spanning store ending at the max of the node it starts in', () => {
  it('keeps the next node out of the rebuild', () => {
    const tree = new MapleTree<number>();
    for (let i = 0; i < 400; i++) tree.storeRange(10 * i, 10 * i + 5, i + 1);
    expect(tree.height).toBe(3);
    // The second internal node covers [1196, 2395]; the store runs from its
    // second-to-last leaf to its max.
    expect(outline(tree, 2395, 2396).slice(0, 3)).toEqual([
      '0 0-max',
      '1 1196-2395',
      '2 2316-2395 | 2319 2325 2329 2335 2339 2345 2349 2355 2359 2365 2369 2375 2379 2385 2389 2395',
    ]);
    tree.storeRange(2256, 2395, 999);
    expect(tree.nodeCount).toBe(55);
    expect(tree.height).toBe(3);
    expect(outline(tree, 2156, 2475)).toEqual([
      '0 0-max',
      '1 1196-2395',
      '2 2156-2215 | 2159 2165 2169 2175 2179 2185 2189 2195 2199 2205 2209 2215',
      '2 2216-2395 | 2219 2225 2229 2235 2239 2245 2249 2255 2395',
      '1 2396-3115',
      '2 2396-2475 | 2399 2405 2409 2415 2419 2425 2429 2435 2439 2445 2449 2455 2459 2465 2469 2475',
    ]);
    expect(tree.load(2395)).toBe(999);
    expect(tree.load(2396)).toBeUndefined();
    tree.validate();
  });
});
