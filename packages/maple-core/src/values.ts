/**
 * The value store: stored values live in a plain array and leaf slots hold
 * their index, so the typed arrays never hold JS objects. Index 0 is the empty
 * entry (the kernel's NULL). A value index is shared when a store splits one
 * range in two, so each index carries a reference count; an index whose count
 * drops to zero is released, or retired when a reclaimer hook is installed
 * (RCU mode: a reader of an old version may still read it). The counts live
 * in a Uint8Array (1 byte an index: nearly every count is 1 or 2), grown by
 * half again, or to the exact size a bulk add needs; a count past 254 moves
 * to a side map and leaves {@link SPILLED} in its byte.
 */

/** The counts of a store that has added nothing yet (shared: it has no elements to write). */
const NO_REFS = new Uint8Array(0);
/** A count byte meaning "the count is in the spill map" (the largest a byte keeps is one less). */
const SPILLED = 255;

/** Reference-counted storage for the values of one tree. */
export class ValueStore<V> {
  private values: (V | undefined)[] = [undefined];
  /** Reference count of each index; at least as long as `values` (no buffer until the first add). */
  private refs = NO_REFS;
  /** Counts past 254, by index (their byte in `refs` holds SPILLED). */
  private spill = new Map<number, number>();
  private freeList: number[] = [];
  /** Reclaimer hook for released indices; when null they are reused at once. */
  onRetire: ((index: number) => void) | null = null;

  /** Stores `value` under a fresh index with one reference. */
  add(value: V): number {
    const idx = this.freeList.pop();
    if (idx !== undefined) {
      this.values[idx] = value;
      this.refs[idx] = 1;
      return idx;
    }
    this.values.push(value);
    const fresh = this.values.length - 1;
    this.fitRefs(fresh + 1, false);
    this.refs[fresh] = 1;
    return fresh;
  }

  /**
   * Stores every value of `list` under consecutive fresh indices, one reference
   * each, after any index in use (free indices are not reused).
   * @returns the index of `list[0]`; `list[i]` is at that index + i
   */
  addAll(list: readonly V[]): number {
    const base = this.values.length;
    // concat copies in bulk; pushing one at a time regrows these large arrays step by step.
    this.values = this.values.concat(list);
    this.fitRefs(this.values.length, true);
    this.refs.fill(1, base, this.values.length);
    return base;
  }

  /** Makes this store an exact copy of `src` (same indices, references and free list). */
  copyFrom(src: ValueStore<V>): void {
    this.values = src.values.slice();
    this.refs = src.refs.slice(0, src.values.length);
    this.spill = new Map(src.spill);
    this.freeList = src.freeList.slice();
  }

  /**
   * The backing array, index by index (slot 0 is undefined), for loops that
   * read many values: a hot loop holds it in a local instead of calling
   * {@link get} per value. It is replaced by {@link addAll}, {@link copyFrom}
   * and {@link clear}, so a holder must read it again after any write.
   */
  get array(): readonly (V | undefined)[] {
    return this.values;
  }

  /** The value at `idx` (undefined for 0). */
  get(idx: number): V | undefined {
    return this.values[idx];
  }

  /** Adds one reference to `idx` (a range was split in two). */
  ref(idx: number): void {
    if (idx === 0) return;
    const r = this.refs[idx] as number;
    if (r < SPILLED - 1) this.refs[idx] = r + 1;
    else if (r === SPILLED - 1) {
      this.refs[idx] = SPILLED;
      this.spill.set(idx, SPILLED);
    } else this.spill.set(idx, (this.spill.get(idx) as number) + 1);
  }

  /** Drops one reference; at zero the index is released or retired. */
  unref(idx: number): void {
    if (idx === 0) return;
    const r = this.refs[idx] as number;
    if (r === SPILLED) {
      const n = (this.spill.get(idx) as number) - 1;
      if (n >= SPILLED) this.spill.set(idx, n);
      else {
        this.spill.delete(idx);
        this.refs[idx] = n;
      }
      return;
    }
    const n = r - 1;
    this.refs[idx] = n;
    if (n > 0) return;
    if (this.onRetire) this.onRetire(idx);
    else this.free(idx);
  }

  /** Gives a released index back for reuse (called by a reclaimer). */
  free(idx: number): void {
    this.values[idx] = undefined;
    this.freeList.push(idx);
  }

  /** Number of references held on `idx` (for validation). */
  refCount(idx: number): number {
    if (idx <= 0 || idx >= this.values.length) return 0;
    const r = this.refs[idx] as number;
    return r === SPILLED ? (this.spill.get(idx) as number) : r;
  }

  /** Bytes of the count array (1 per index; spilled counts aside), for memory reports. */
  get countBytes(): number {
    return this.refs.byteLength;
  }

  /** Number of indices in use. */
  get used(): number {
    return this.values.length - 1 - this.freeList.length;
  }

  /** Drops every value. */
  clear(): void {
    this.values = [undefined];
    this.refs = NO_REFS;
    this.spill.clear();
    this.freeList = [];
  }

  /** Makes `refs` hold at least `n` counts: exactly `n` for a bulk add, else by half again. */
  private fitRefs(n: number, exact: boolean): void {
    const old = this.refs;
    if (n <= old.length) return;
    const refs = new Uint8Array(exact ? n : Math.max(n, 16, old.length + (old.length >> 1)));
    refs.set(old);
    this.refs = refs;
  }
}
