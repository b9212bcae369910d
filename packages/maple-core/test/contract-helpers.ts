/**
 * Helpers shared by the API contract tests: a tree's entries as triples, and
 * the MapleError code a call throws.
 */
import { MapleError, type MapleTree } from '@maple-tree/core';

/** A key past 2^31 (64-bit pivot words). */
export const BIG = 2 ** 40;

/** Every entry of `tree` as [first, last, value], in order. */
export function all<V>(tree: MapleTree<V>): [number, number, V][] {
  return [...tree].map((e) => [e.first, e.last, e.value]);
}

/** The MapleError code `fn` throws, or undefined when it returns (other errors propagate). */
export function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof MapleError) return error.code;
    throw error;
  }
  return undefined;
}
