/**
 * The shared reader's range scan: an iterator pinned to one version from its
 * first `next()` to its end (or `return()`, as a `for...of` that breaks
 * calls), with its own path, so that point reads by the same reader in
 * between do not disturb it.
 */

import type { MapleEntry } from '@maple-tree/core';
import type { SharedReader } from './shared-reader.js';
import { FREED, type Pin, SharedPath } from './shared-walk.js';

/**
 * Iterates the entries of one version: pinned from the first `next()` until
 * the end or `return()` (a `for...of` that breaks), so a scan never mixes
 * versions. Only a freed node (a broken protocol) moves it to a newer version,
 * where it resumes after the last entry it returned.
 */
export class SharedEntryIterator implements IterableIterator<MapleEntry<number>> {
  private readonly pin: Pin = { root: 0, epoch: 0, version: 0 };
  private readonly path = new SharedPath();
  private started = false;
  private done = false;
  /** True while the path is on the slot last returned. */
  private positioned = false;
  /** Next index to report from (where it resumes after a freed node). */
  private from: number;

  constructor(
    private readonly reader: SharedReader,
    first: number,
    private readonly last: number,
  ) {
    this.from = first;
  }

  /** The version this iterator reads. */
  get version(): number {
    return this.pin.version;
  }

  next(): IteratorResult<MapleEntry<number>> {
    if (this.done) return { done: true, value: undefined };
    const r = this.reader;
    r.live();
    const pin = this.pin;
    const w = this.path;
    if (!this.started) {
      this.started = true;
      r.pin(pin);
      r.answered(pin.version);
    }
    if (this.from > this.last) return this.finish();
    let tries = 0;
    while (true) {
      if (pin.root <= 0) {
        // No node: at most the entry at 0.
        const idx = pin.root < 0 && this.from === 0 ? -pin.root : 0;
        return idx === 0 ? this.finish() : this.yield(0, 0, r.valueAt(idx));
      }
      let s = this.positioned ? r.step(w, pin.epoch) : r.descend(w, pin.root, this.from, pin.epoch);
      while (s !== FREED) {
        if (s < 0) return this.finish();
        const lo = r.slotMin(w);
        if (lo > this.last) return this.finish();
        const v = r.slotValue(w);
        if (v !== 0) {
          const hi = r.slotMax(w);
          const value = r.valueAt(v);
          if (!r.pathIntact(w, pin.epoch)) break;
          return this.yield(lo, hi, value);
        }
        s = r.step(w, pin.epoch);
      }
      r.repinAfterFreed(pin, ++tries);
      r.answered(pin.version);
      this.positioned = false;
    }
  }

  return(): IteratorResult<MapleEntry<number>> {
    return this.finish(false);
  }

  [Symbol.iterator](): IterableIterator<MapleEntry<number>> {
    return this;
  }

  private yield(first: number, last: number, value: number): IteratorResult<MapleEntry<number>> {
    // Each entry is an answer from the scan's version, whatever the reader answered in between.
    this.reader.answered(this.pin.version);
    this.positioned = true;
    // Past MAPLE_MAX there is nothing more: from > last ends the next call.
    this.from = last + 1;
    return { done: false, value: { first, last, value } };
  }

  /** Ends the scan; `answer`: the end was an answer of next() (not a return()), from the scan's version. */
  private finish(answer = true): IteratorResult<MapleEntry<number>> {
    if (this.started && !this.done) {
      if (answer) this.reader.answered(this.pin.version);
      this.reader.unpin();
    }
    this.done = true;
    return { done: true, value: undefined };
  }
}
