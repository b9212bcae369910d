import { describe, expect, it } from 'vitest';
import { PinSet, RetireQueue } from './retire.js';

describe('RetireQueue', () => {
  it('frees entries in order up to the limit and keeps the rest', () => {
    const q = new RetireQueue();
    for (let i = 0; i < 10; i++) q.push(100 + i, Math.floor(i / 3) + 1); // stamps 1,1,1,2,2,2,3,3,3,4
    const freed: number[] = [];
    expect(q.drain(0, (h) => freed.push(h))).toBe(0);
    expect(q.drain(2, (h) => freed.push(h))).toBe(6);
    expect(freed).toEqual([100, 101, 102, 103, 104, 105]);
    expect(q.length).toBe(4);
    expect(q.drain(3, (h) => freed.push(h))).toBe(3);
    q.push(200, 5);
    expect(q.drain(10, (h) => freed.push(h))).toBe(2);
    expect(freed.slice(-3)).toEqual([108, 109, 200]);
    expect(q.length).toBe(0);
  });

  it('stays correct across compaction of a long drained prefix', () => {
    const q = new RetireQueue();
    let next = 0;
    let freed = 0;
    for (let round = 1; round <= 50; round++) {
      for (let i = 0; i < 100; i++) q.push(next++, round);
      freed += q.drain(round - 1, () => {});
      expect(q.length).toBe(next - freed);
    }
    const rest: number[] = [];
    q.drain(50, (h) => rest.push(h));
    expect(rest).toEqual(Array.from({ length: 100 }, (_, i) => 4900 + i));
  });
});

describe('PinSet', () => {
  it('reports the oldest pinned version, whatever the release order', () => {
    const p = new PinSet();
    expect(p.oldest(42)).toBe(42);
    p.pin(3);
    p.pin(3);
    p.pin(5);
    p.pin(9);
    expect(p.size).toBe(4);
    expect(p.oldest(42)).toBe(3);
    p.unpin(5);
    expect(p.oldest(42)).toBe(3);
    p.unpin(3);
    expect(p.oldest(42)).toBe(3);
    p.unpin(3);
    expect(p.oldest(42)).toBe(9);
    expect(() => p.unpin(3)).toThrow(/not pinned/);
    p.unpin(9);
    expect(p.size).toBe(0);
    expect(p.oldest(42)).toBe(42);
  });

  it('keeps the oldest right across thousands of versions released oldest first', () => {
    const p = new PinSet();
    for (let v = 0; v < 5000; v++) p.pin(v);
    for (let v = 0; v < 4990; v++) {
      p.unpin(v);
      expect(p.oldest(-1)).toBe(v + 1);
    }
    p.pin(6000);
    for (let v = 4990; v < 5000; v++) p.unpin(v);
    expect(p.oldest(-1)).toBe(6000);
    expect(p.size).toBe(1);
  });
});
