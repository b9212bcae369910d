/**
 * How the suite builds the tree under test: `@maple-tree/core`'s
 * `MapleTree`, made with the fuzz case's options.
 */
import * as core from '@maple-tree/core';
import type { TreeFactory, TreeLike, TreeOptions } from './fuzz/subject.js';

type TreeConstructor = new (options: TreeOptions) => TreeLike<unknown>;

/** The core's `MapleTree`, or undefined while the core does not export it yet. */
export function coreTreeFactory(): TreeFactory | undefined {
  const ctor = (core as Record<string, unknown>).MapleTree as TreeConstructor | undefined;
  if (typeof ctor !== 'function') return undefined;
  return (options) => new ctor(options);
}
