/**
 * How the suite builds the tree under test: `@maple-tree/core`'s
 * `MapleTree`, made with the fuzz case's options.
 */
import { MapleTree } from '@maple-tree/core';
import type { TreeFactory, TreeLike } from './fuzz/subject.js';

/** Makes a core `MapleTree` for each fuzz case or benchmark. */
export const coreTree: TreeFactory = (options) => {
  const tree: TreeLike<unknown> = new MapleTree<unknown>(options);
  return tree;
};
