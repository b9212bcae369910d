import { MAPLE_MAX, MapleTree } from '@maple-tree/core';

const tree = new MapleTree<string>({ allocRange: true }); // MT_FLAGS_ALLOC_RANGE
tree.storeRange(0x1000, 0x1fff, 'text'); // mtree_store_range
console.log(tree.insertRange(0x1800, 0x2fff, 'x')); // false: overlaps (-EEXIST)
console.log(tree.load(0x1234)); // 'text'
console.log(tree.find(0x2000)); // undefined: nothing at or above 0x2000
console.log(tree.emptyArea(0, MAPLE_MAX, 0x1000)); // 0: lowest free run of 0x1000
console.log(tree.allocRange('data', 0x1000, 0x1000, 0xffff)); // 8192 (0x2000)
const mas = tree.state(0); // MA_STATE
for (let v = mas.find(MAPLE_MAX); v !== undefined; v = mas.next(MAPLE_MAX)) console.log(mas.index, mas.last, v);
