/**
 * js-sdsl 4.4.2's OrderedMap (a red-black tree) as a range map, keyed by
 * first index; lookups through `reverseLowerBound` (greatest key <= index),
 * stepping with its iterators. It has no cheap copy: `clone()` rebuilds.
 */
import { OrderedMap } from 'js-sdsl';
import { firstFit, lastFit, type Peer, type RangeMap, type Span, survivors } from './range-map.js';

type Slot = { last: number; value: number };

class SdslRanges implements RangeMap {
  constructor(private readonly map: OrderedMap<number, Slot>) {}

  get size(): number {
    return this.map.size();
  }

  private holding(index: number): [number, Slot] | undefined {
    const it = this.map.reverseLowerBound(index);
    if (it.equals(this.map.rEnd())) return undefined;
    const [first, slot] = it.pointer;
    return slot.last >= index ? [first, slot] : undefined;
  }

  load(index: number): number | undefined {
    return this.holding(index)?.[1].value;
  }

  store(first: number, last: number, value: number): void {
    const hit: Span[] = [];
    const left = this.holding(first);
    if (left !== undefined) hit.push({ first: left[0], last: left[1].last, value: left[1].value });
    const end = this.map.end();
    for (let it = this.map.lowerBound(first); !it.equals(end); it.next()) {
      const [k, s] = it.pointer;
      if (k > last) break;
      if (k !== left?.[0]) hit.push({ first: k, last: s.last, value: s.value });
    }
    for (const r of hit) this.map.eraseElementByKey(r.first);
    for (const r of survivors(hit, first, last))
      this.map.setElement(r.first, { last: r.last, value: r.value });
    this.map.setElement(first, { last, value });
  }

  erase(index: number): void {
    const p = this.holding(index);
    if (p !== undefined) this.map.eraseElementByKey(p[0]);
  }

  scan(first: number, last: number): number {
    let sum = 0;
    const end = this.map.end();
    const it = this.map.lowerBound(this.holding(first)?.[0] ?? first);
    for (; !it.equals(end); it.next()) {
      const [k, s] = it.pointer;
      if (k > last) break;
      sum += s.value;
    }
    return sum;
  }

  next(index: number): number | undefined {
    const it = this.map.upperBound(this.holding(index)?.[0] ?? index);
    return it.equals(this.map.end()) ? undefined : it.pointer[1].value;
  }

  prev(index: number): number | undefined {
    const at = this.holding(index);
    const it = at === undefined ? this.map.reverseLowerBound(index) : this.map.reverseUpperBound(at[0]);
    return it.equals(this.map.rEnd()) ? undefined : it.pointer[1].value;
  }

  private *ascending(min: number): Generator<Span> {
    const end = this.map.end();
    const start = this.map.reverseLowerBound(min);
    const from = start.equals(this.map.rEnd()) ? min : start.pointer[0];
    for (let it = this.map.lowerBound(from); !it.equals(end); it.next()) {
      const [first, s] = it.pointer;
      yield { first, last: s.last, value: s.value };
    }
  }

  private *descending(max: number): Generator<Span> {
    // reverseLowerBound hands back a forward iterator: step it with pre()
    const it = this.map.reverseLowerBound(max);
    if (it.equals(this.map.end())) return;
    const begin = this.map.begin();
    for (;;) {
      const [first, s] = it.pointer;
      yield { first, last: s.last, value: s.value };
      if (it.equals(begin)) return;
      it.pre();
    }
  }

  emptyArea(min: number, max: number, size: number): number | undefined {
    return firstFit(this.ascending(min), min, max, size);
  }

  emptyAreaRev(min: number, max: number, size: number): number | undefined {
    return lastFit(this.descending(max), min, max, size);
  }

  clone(): RangeMap {
    return new SdslRanges(new OrderedMap(this.map));
  }
}

export const jsSdsl: Peer = {
  name: 'js-sdsl',
  writable: true,
  build: (ranges) =>
    new SdslRanges(
      new OrderedMap(ranges.map((r): [number, Slot] => [r.first, { last: r.last, value: r.value }])),
    ),
};
