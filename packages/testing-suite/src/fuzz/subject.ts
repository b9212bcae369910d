/**
 * The public surface the fuzzer drives, as API.md writes it. Both
 * `@maple-tree/core`'s `MapleTree` and the reference model fit these shapes,
 * so the fuzzer can run either (and a deliberately broken model, to test the
 * fuzzer itself).
 */
import type { MapleEntry } from '../model.js';

/** The cursor calls of `MapleState` (`struct ma_state`). */
export interface StateLike<V> {
  index: number;
  last: number;
  walk(): V | undefined;
  find(max: number): V | undefined;
  findRev(min: number): V | undefined;
  next(max: number): V | undefined;
  prev(min: number): V | undefined;
  nextRange(max: number): V | undefined;
  prevRange(min: number): V | undefined;
  store(value: V | undefined): void;
  erase(): V | undefined;
  emptyArea(min: number, max: number, size: number): boolean;
  emptyAreaRev(min: number, max: number, size: number): boolean;
  set(index: number): unknown;
  setRange(first: number, last: number): unknown;
  reset(): unknown;
  pause(): unknown;
}

/** The tree calls of `MapleTree`. */
export interface TreeLike<V> extends Iterable<MapleEntry<V>> {
  load(index: number): V | undefined;
  store(index: number, value: V | undefined): void;
  storeRange(first: number, last: number, value: V | undefined): void;
  insert(index: number, value: V): boolean;
  insertRange(first: number, last: number, value: V): boolean;
  erase(index: number): V | undefined;
  find(index: number, max?: number): MapleEntry<V> | undefined;
  next(index: number, max?: number): MapleEntry<V> | undefined;
  prev(index: number, min?: number): MapleEntry<V> | undefined;
  entries(first?: number, last?: number): IterableIterator<MapleEntry<V>>;
  forEach(fn: (value: V, first: number, last: number) => void, first?: number, last?: number): void;
  emptyArea(min: number, max: number, size: number): number | undefined;
  emptyAreaRev(min: number, max: number, size: number): number | undefined;
  allocRange(value: V, size: number, min: number, max: number): number | undefined;
  allocRangeRev(value: V, size: number, min: number, max: number): number | undefined;
  state(first?: number, last?: number): StateLike<V>;
  clone(): TreeLike<V>;
  clear(): void;
  readonly isEmpty: boolean;
  readonly size: number;
  /** `mt_validate`; the model has none and skips it. */
  validate?(): void;
  /** `mt_dump`, printed with a failure when present. */
  dump?(): string;
}

/** Options a tree under test is built with. */
export interface TreeOptions {
  allocRange: boolean;
  rcu: boolean;
  /** A node budget: writes that could need more throw ENOMEM and change nothing. */
  maxNodes?: number;
}

/** Builds a fresh tree under test. */
export type TreeFactory = (options: TreeOptions) => TreeLike<unknown>;
