/**
 * Bytes per range of a `MapleTree.from` tree, array by array: the node
 * arena's typed arrays (exact `byteLength`s: pivots, slots, the gap pool, the
 * per-node arrays) and the value store (an 8-byte array slot and a 4-byte
 * reference count per value index). The layout is the benchmark's: ranges six
 * indices wide, gaps of four, every 97th gap 24 wide. Garbage-collected heap
 * figures for the same trees are in the testing suite's `--only memory`.
 */

import { MapleTree } from '../src/index.js';

/** The per-node arrays of the arena (one entry per handle). */
const PER_NODE = ['gapBase', 'parent', 'parentSlot', 'type', 'end', 'gapOffset', 'generation'];

/** Prints the breakdown for plain and gap-tracking trees of each size. */
export function memory(sizes: number[]): void {
  for (const n of sizes) {
    const entries: { first: number; last: number; value: number }[] = [];
    let at = 0;
    for (let i = 0; i < n; i++) {
      entries.push({ first: at, last: at + 5, value: i });
      at += 6 + (i % 97 === 96 ? 24 : 4);
    }
    console.log(`\nbytes per range, from() of ${n} ranges`);
    for (const allocRange of [false, true]) {
      const t = MapleTree.from(entries, { allocRange });
      const a = t.core.arena;
      const perNode = PER_NODE.reduce(
        (sum, k) => sum + (a[k as keyof typeof a] as unknown as ArrayBufferView).byteLength,
        0,
      );
      // Each value is one 8-byte array element, plus its count byte.
      const values = t.core.values.array.length * 8 + t.core.values.countBytes;
      const parts: [string, number][] = [
        ['pivots', a.pivots.byteLength],
        ['slots', a.slots.byteLength],
        ['gaps', a.gaps.byteLength],
        ['per-node', perNode],
        ['values+refs', values],
      ];
      const total = parts.reduce((sum, [, b]) => sum + b, 0);
      const cells = parts.map(([name, b]) => `${name} ${(b / n).toFixed(2)}`).join('  ');
      const label = allocRange ? 'gap-tracking' : 'plain';
      console.log(`  ${label.padEnd(13)} ${(total / n).toFixed(2).padStart(6)}  =  ${cells}`);
      console.log(
        `  ${''.padEnd(13)} ${a.live} nodes, ${a.gapBlocksInUse} gap blocks (pool of ${a.gapBlockCapacity})`,
      );
    }
  }
}
