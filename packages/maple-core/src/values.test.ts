/**
 * The value store's reference counts: kept in a typed array that grows as
 * indices are added one by one or in bulk, copied by clone, reset by clear.
 */
import { describe, expect, it } from 'vitest';
import { MapleTree } from './tree.js';
import { ValueStore } from './values.js';

describe('ValueStore reference counts', () => {
  it('counts survive the count array growing, one add at a time and in bulk', () => {
    const s = new ValueStore<string>();
    const idx: number[] = [];
    for (let i = 0; i < 100; i++) idx.push(s.add(`v${i}`));
    expect(idx).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    for (let i = 0; i < 100; i += 3) s.ref(idx[i] as number);
    const base = s.addAll(Array.from({ length: 1000 }, (_, i) => `b${i}`));
    expect(base).toBe(101);
    s.ref(base + 999);
    for (let i = 0; i < 100; i++) expect(s.refCount(idx[i] as number)).toBe(i % 3 === 0 ? 2 : 1);
    expect(s.refCount(base)).toBe(1);
    expect(s.refCount(base + 999)).toBe(2);
    expect(s.get(base + 999)).toBe('b999');
    expect(s.refCount(base + 1000)).toBe(0);
    expect(s.refCount(-1)).toBe(0);
    expect(s.used).toBe(1100);
  });

  it('counts past a byte spill to the side map and come back, through clone and clear', () => {
    const s = new ValueStore<string>();
    const a = s.add('a');
    const b = s.add('b');
    for (let i = 1; i < 600; i++) s.ref(a);
    s.ref(b);
    expect(s.refCount(a)).toBe(600);
    const c = new ValueStore<string>();
    c.copyFrom(s);
    for (let i = 0; i < 599; i++) s.unref(a);
    expect(s.refCount(a)).toBe(1);
    expect(s.get(a)).toBe('a');
    s.unref(a);
    expect(s.get(a)).toBeUndefined();
    expect(s.refCount(b)).toBe(2);
    // The copy kept its own counts.
    expect(c.refCount(a)).toBe(600);
    for (let i = 0; i < 345; i++) c.unref(a);
    expect(c.refCount(a)).toBe(255);
    c.unref(a);
    expect(c.refCount(a)).toBe(254);
    c.clear();
    const d = c.add('d');
    expect(c.refCount(d)).toBe(1);
  });

  it('a value split into hundreds of ranges keeps one index until the last range goes', () => {
    const t = new MapleTree<string>();
    t.storeRange(0, 10_000, 'x');
    for (let i = 1; i < 800; i++) t.store(i * 10, undefined);
    t.validate();
    expect(t.size).toBe(800);
    expect(t.core.values.used).toBe(1);
    for (let i = 0; i < 799; i++) t.storeRange(i * 10 + 1, i * 10 + 9, undefined);
    t.validate();
    expect(t.core.values.used).toBe(1);
    t.storeRange(0, 10_000, undefined);
    expect(t.core.values.used).toBe(0);
    t.validate();
  });

  it('an index whose count reaches zero is reused with a count of one', () => {
    const s = new ValueStore<number>();
    const a = s.add(10);
    s.ref(a);
    s.unref(a);
    expect(s.get(a)).toBe(10);
    s.unref(a);
    expect(s.get(a)).toBeUndefined();
    expect(s.refCount(a)).toBe(0);
    expect(s.add(20)).toBe(a);
    expect(s.refCount(a)).toBe(1);
  });

  it('a copy has the same counts and changes apart from its source; clear drops all', () => {
    const s = new ValueStore<number>();
    for (let i = 0; i < 40; i++) s.add(i);
    s.ref(5);
    const c = new ValueStore<number>();
    c.copyFrom(s);
    expect(c.refCount(5)).toBe(2);
    c.unref(5);
    expect(c.refCount(5)).toBe(1);
    expect(s.refCount(5)).toBe(2);
    expect(c.add(99)).toBe(41);
    expect(c.refCount(41)).toBe(1);
    s.clear();
    expect(s.refCount(5)).toBe(0);
    expect(s.used).toBe(0);
    expect(s.add(1)).toBe(1);
  });
});

describe('value indices across stores', () => {
  it('a range that grows or shrinks with the value it holds keeps its index; another value takes a new one', () => {
    for (const rcu of [false, true]) {
      const t = new MapleTree<object>({ allocRange: true, rcu });
      const vma = { name: 'heap' };
      const other = { name: 'stack' };
      for (let i = 0; i < 40; i++) t.storeRange(i * 100, i * 100 + 9, i === 20 ? vma : { i });
      const values = t.core.values;
      const used = values.used;
      const index = () => t.core.values.array.indexOf(vma);
      const before = index();
      const retired: number[] = [];
      values.onRetire = (i) => retired.push(i);
      for (let k = 10; k < 60; k++) {
        t.storeRange(2000, 2000 + k, vma); // brk up
        t.storeRange(2000 + k, 2000 + k, undefined); // and down by one
      }
      t.storeRange(1990, 2058, vma); // grows down over the hole below
      expect(t.load(1990)).toBe(vma);
      expect(index()).toBe(before);
      expect(values.refCount(before)).toBe(1);
      expect(values.used).toBe(used);
      expect(retired).toEqual([]);
      t.storeRange(1990, 2005, other);
      expect(values.refCount(before)).toBe(1); // its tail [2006, 2058] still holds it
      expect(t.load(2006)).toBe(vma);
      expect(t.load(2000)).toBe(other);
      t.validate();
    }
  });
});
