/**
 * What a shared-tree reader's walks share: their outcomes, the pinned
 * version a walk reads, and the recorded root-to-leaf path (each node with
 * the generation it had when entered, so that a node freed under the walk
 * is noticed).
 */

import { MAPLE_HEIGHT_MAX } from '@maple-tree/core/internal';

/** Walk outcomes. */
export const OK = 0;
export const DEAD = 1;
export const FREED = 2;
/** One pinned version: its root word, epoch and full version number. */
export interface Pin {
  root: number;
  epoch: number;
  version: number;
}

/** A root-to-leaf path over shared nodes with each node's generation when entered. */
export class SharedPath {
  readonly node = new Int32Array(MAPLE_HEIGHT_MAX + 1);
  readonly gen = new Uint32Array(MAPLE_HEIGHT_MAX + 1);
  readonly min = new Float64Array(MAPLE_HEIGHT_MAX + 1);
  readonly max = new Float64Array(MAPLE_HEIGHT_MAX + 1);
  readonly off = new Uint8Array(MAPLE_HEIGHT_MAX + 1);
  depth = 0;
}
