import { VersionedMapleTree } from '@maple-tree/rcu';

const tree = new VersionedMapleTree<string>();
tree.storeRange(0x1000, 0x1fff, 'text');
const snap = tree.snapshot(); // O(1): this version, for as long as it is held
tree.storeRange(0x1000, 0x1fff, 'data'); // copy-on-write: the snapshot's nodes stay
console.log(snap.load(0x1234), tree.load(0x1234)); // 'text' 'data'
console.log(snap.version < tree.version, tree.retiredNodes > 0); // true true
snap.release(); // the old version's nodes can go
console.log(tree.retiredNodes); // 0: reclaimed on release
