/**
 * A reference model of a maple tree's semantics, written to be obviously
 * right rather than fast.
 *
 * The model keeps the stored ranges as one sorted array of inclusive
 * `[first, last] -> value` records that never overlap. Every call is a short
 * loop over that array, so its answer can be checked by reading it. The
 * differential fuzzer and the kernel scenarios compare `@maple-tree/core`
 * against it call by call.
 *
 * ```
 *   index space  0 ............................................ MAPLE_MAX
 *   ranges           [2..5]=a   [9..9]=b       [40..MAPLE_MAX]=c
 *   slots        [0..1] [2..5] [6..8] [9..9] [10..39] [40..MAPLE_MAX]
 *                 empty    a    empty    b     empty       c
 * ```
 *
 * The kernel also sees the empty runs between ranges as slots (NULL entries,
 * never two adjacent); {@link MapleModel.slotAt} gives that view, which the
 * cursor model in `model-state.ts` walks.
 *
 * Errors follow API.md: an index that is not an integer in `[0, MAPLE_MAX]`,
 * `first > last`, `min > max`, `size < 1` or `size > max - min + 1` throws
 * `MapleError('EINVAL')` and changes nothing.
 */
import { MAPLE_MAX, MapleError } from '@maple-tree/core';
import { ModelState } from './model-state.js';

/** An entry as the tree reports it (the same shape as core's `MapleEntry`). */
export interface MapleEntry<V> {
  readonly first: number;
  readonly last: number;
  readonly value: V;
}

/** One stored range of the model. */
interface Range<V> {
  first: number;
  last: number;
  value: V;
}

/** A maximal run of the index space holding one value or nothing (a kernel slot). */
export interface ModelSlot<V> {
  readonly first: number;
  readonly last: number;
  readonly value: V | undefined;
}

/** Options of the model; `allocRange` enables `allocRange*` as on a gap-tracking tree. */
export interface MapleModelOptions {
  allocRange?: boolean;
}

/** Throws EINVAL unless `index` is an integer in `[0, MAPLE_MAX]`. */
export function checkModelIndex(index: unknown, what: string): asserts index is number {
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > MAPLE_MAX) {
    throw new MapleError('EINVAL', `${what} must be an integer in [0, MAPLE_MAX], got ${String(index)}`);
  }
}

/** Throws EINVAL unless `[first, last]` is a valid inclusive range. */
export function checkModelRange(first: unknown, last: unknown, names = ['first', 'last']): void {
  checkModelIndex(first, names[0]!);
  checkModelIndex(last, names[1]!);
  if (first > last) throw new MapleError('EINVAL', `${names[0]} (${first}) > ${names[1]} (${last})`);
}

/** Throws EINVAL unless a gap search over `[min, max]` for `size` indices is well formed. */
export function checkModelArea(min: unknown, max: unknown, size: unknown): void {
  checkModelRange(min, max, ['min', 'max']);
  const lo = min as number;
  const hi = max as number;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > hi - lo + 1) {
    throw new MapleError('EINVAL', `size ${String(size)} does not fit [${lo}, ${hi}]`);
  }
}

/** The reference model: same public calls as `MapleTree`, answers computed by brute force. */
export class MapleModel<V> implements Iterable<MapleEntry<V>> {
  /** Sorted, non-overlapping; adjacent ranges may hold equal values (they stay distinct). */
  private ranges: Range<V>[] = [];
  readonly allocRangeEnabled: boolean;
  /**
   * Writes made so far (the tree's write sequence number): every store, a
   * successful insert, erase or alloc, and clear. Cursors compare it to learn
   * whether the tree changed under them.
   */
  private writeCount = 0;

  constructor(options: MapleModelOptions = {}) {
    this.allocRangeEnabled = options.allocRange === true;
  }

  /** Number of stored ranges (`MapleTree.size`). */
  get size(): number {
    return this.ranges.length;
  }

  /** The number of writes made so far; a refused or failed call makes none. */
  get writes(): number {
    return this.writeCount;
  }

  /** True when nothing is stored (`mtree_empty`). */
  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  /** Index of the first range whose `last >= index` (ranges.length when none). */
  private lowerBound(index: number): number {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ranges[mid]!.last < index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The range holding `index`, or undefined. */
  private rangeAt(index: number): Range<V> | undefined {
    const r = this.ranges[this.lowerBound(index)];
    return r !== undefined && r.first <= index ? r : undefined;
  }

  /** Value at `index` (`mtree_load`). */
  load(index: number): V | undefined {
    checkModelIndex(index, 'index');
    return this.rangeAt(index)?.value;
  }

  /** Stores `value` at one index (`mtree_store`). */
  store(index: number, value: V | undefined): void {
    checkModelIndex(index, 'index');
    this.write(index, index, value);
  }

  /** Stores `value` over `[first, last]`, cutting what it overlaps (`mtree_store_range`). */
  storeRange(first: number, last: number, value: V | undefined): void {
    checkModelRange(first, last);
    this.write(first, last, value);
  }

  /** Stores unless anything in `[index, index]` is occupied (`mtree_insert`). */
  insert(index: number, value: V): boolean {
    return this.insertRange(index, index, value);
  }

  /** Stores unless anything in `[first, last]` is occupied (`mtree_insert_range`). */
  insertRange(first: number, last: number, value: V): boolean {
    checkModelRange(first, last);
    if (this.overlapping(first, last).length > 0) return false;
    this.write(first, last, value);
    return true;
  }

  /** Removes the whole range holding `index`; returns its value (`mtree_erase`). */
  erase(index: number): V | undefined {
    checkModelIndex(index, 'index');
    const r = this.rangeAt(index);
    if (r === undefined) return undefined;
    this.ranges.splice(this.ranges.indexOf(r), 1);
    this.writeCount++;
    return r.value;
  }

  /**
   * First entry overlapping `[index, max]` (`mt_find`). `index > max` is
   * EINVAL by API.md's range rule, where the kernel returns NULL.
   */
  find(index: number, max: number = MAPLE_MAX): MapleEntry<V> | undefined {
    checkModelRange(index, max, ['index', 'max']);
    return this.overlapping(index, max)[0];
  }

  /** First entry starting after `index` and no later than `max` (`mt_next`). */
  next(index: number, max: number = MAPLE_MAX): MapleEntry<V> | undefined {
    checkModelIndex(index, 'index');
    checkModelIndex(max, 'max');
    const r = this.ranges.find((e) => e.first > index);
    return r !== undefined && r.first <= max ? entry(r) : undefined;
  }

  /** Last entry ending before `index` and no earlier than `min` (`mt_prev`). */
  prev(index: number, min = 0): MapleEntry<V> | undefined {
    checkModelIndex(index, 'index');
    checkModelIndex(min, 'min');
    const r = this.ranges.findLast((e) => e.last < index);
    return r !== undefined && r.last >= min ? entry(r) : undefined;
  }

  /**
   * Entries overlapping `[first, last]` in order (`mt_for_each`). The
   * iterator is live: each step finds the first entry after the last one it
   * returned, in the tree as it is then.
   */
  entries(first = 0, last: number = MAPLE_MAX): IterableIterator<MapleEntry<V>> {
    checkModelRange(first, last);
    return this.live(first, last);
  }

  private *live(first: number, last: number): IterableIterator<MapleEntry<V>> {
    let at = first;
    for (;;) {
      const r = this.ranges[this.lowerBound(at)];
      if (r === undefined || r.first > last) return;
      yield entry(r);
      if (r.last >= last) return;
      at = r.last + 1;
    }
  }

  /** Calls `fn` for every entry overlapping `[first, last]`. */
  forEach(fn: (value: V, first: number, last: number) => void, first = 0, last: number = MAPLE_MAX): void {
    for (const e of this.entries(first, last)) fn(e.value, e.first, e.last);
  }

  [Symbol.iterator](): IterableIterator<MapleEntry<V>> {
    return this.entries();
  }

  /** Lowest start of `size` free indices inside `[min, max]` (`mas_empty_area`). */
  emptyArea(min: number, max: number, size: number): number | undefined {
    checkModelArea(min, max, size);
    for (const [gapFirst, gapLast] of this.gaps()) {
      const start = Math.max(gapFirst, min);
      const end = Math.min(gapLast, max);
      if (start <= end && end - start + 1 >= size) return start;
    }
    return undefined;
  }

  /** Highest start of `size` free indices inside `[min, max]` (`mas_empty_area_rev`). */
  emptyAreaRev(min: number, max: number, size: number): number | undefined {
    checkModelArea(min, max, size);
    for (const [gapFirst, gapLast] of this.gaps().reverse()) {
      const start = Math.max(gapFirst, min);
      const end = Math.min(gapLast, max);
      if (start <= end && end - start + 1 >= size) return end - size + 1;
    }
    return undefined;
  }

  /** Stores `value` in the lowest free run of `size` in `[min, max]` (`mtree_alloc_range`). */
  allocRange(value: V, size: number, min: number, max: number): number | undefined {
    this.checkAlloc();
    const start = this.emptyArea(min, max, size);
    if (start !== undefined) this.write(start, start + size - 1, value);
    return start;
  }

  /** Stores `value` in the highest free run of `size` in `[min, max]` (`mtree_alloc_rrange`). */
  allocRangeRev(value: V, size: number, min: number, max: number): number | undefined {
    this.checkAlloc();
    const start = this.emptyAreaRev(min, max, size);
    if (start !== undefined) this.write(start, start + size - 1, value);
    return start;
  }

  /** A cursor over the model (`MA_STATE`). */
  state(first = 0, last = first): ModelState<V> {
    return new ModelState(this, first, last);
  }

  /** An independent copy (`__mt_dup`). */
  clone(): MapleModel<V> {
    const copy = new MapleModel<V>({ allocRange: this.allocRangeEnabled });
    copy.ranges = this.ranges.map((r) => ({ ...r }));
    copy.writeCount = this.writeCount;
    return copy;
  }

  /**
   * Makes this model hold what `other` holds, write count included (to undo
   * a write the tree refused with ENOMEM: a refused write is no write).
   */
  assign(other: MapleModel<V>): void {
    this.ranges = other.ranges.map((r) => ({ ...r }));
    this.writeCount = other.writeCount;
  }

  /** Removes everything (`mtree_destroy`). */
  clear(): void {
    this.ranges = [];
    this.writeCount++;
  }

  /**
   * The kernel's slot holding `index`: a stored range, or the maximal empty
   * run around `index`.
   */
  slotAt(index: number): ModelSlot<V> {
    const i = this.lowerBound(index);
    const r = this.ranges[i];
    if (r !== undefined && r.first <= index) return entry(r);
    const first = i > 0 ? this.ranges[i - 1]!.last + 1 : 0;
    const last = r !== undefined ? r.first - 1 : MAPLE_MAX;
    return { first, last, value: undefined };
  }

  /** Entries overlapping `[first, last]`. */
  private overlapping(first: number, last: number): MapleEntry<V>[] {
    const out: MapleEntry<V>[] = [];
    for (let i = this.lowerBound(first); i < this.ranges.length; i++) {
      const r = this.ranges[i]!;
      if (r.first > last) break;
      out.push(entry(r));
    }
    return out;
  }

  /** Every maximal empty run `[first, last]`, in order. */
  private gaps(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    let next = 0;
    for (const r of this.ranges) {
      if (r.first > next) out.push([next, r.first - 1]);
      next = r.last + 1;
    }
    if (next <= MAPLE_MAX) out.push([next, MAPLE_MAX]);
    return out;
  }

  private checkAlloc(): void {
    if (!this.allocRangeEnabled)
      throw new MapleError('EINVAL', 'allocRange needs a tree made with allocRange');
  }

  /** The one write primitive: cut `[first, last]` out of what it overlaps, then put the new range in. */
  private write(first: number, last: number, value: V | undefined): void {
    const start = this.lowerBound(first);
    let end = start;
    while (end < this.ranges.length && this.ranges[end]!.first <= last) end++;
    // ranges[start, end) overlap [first, last]; keep their parts outside it
    const replacement: Range<V>[] = [];
    const head = this.ranges[start];
    if (head !== undefined && start < end && head.first < first) {
      replacement.push({ first: head.first, last: first - 1, value: head.value });
    }
    if (value !== undefined) replacement.push({ first, last, value });
    const tail = this.ranges[end - 1];
    if (tail !== undefined && start < end && tail.last > last) {
      replacement.push({ first: last + 1, last: tail.last, value: tail.value });
    }
    this.ranges.splice(start, end - start, ...replacement);
    this.writeCount++;
  }
}

function entry<V>(r: Range<V>): MapleEntry<V> {
  return { first: r.first, last: r.last, value: r.value };
}
