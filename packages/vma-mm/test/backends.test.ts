// Both VMA indexes against a plain sorted-array model, with a seeded PRNG:
// inserts, removals, range changes, look-ups and free-area searches agree,
// and every invariant (rb colours and subtree gaps, list links, tree pivots) holds.
import { describe, expect, it } from 'vitest';
import { prng } from '../bench/measure.js';
import { LegacyIndex, MapleIndex, Vma, type VmaIndex } from '../src/index.js';

function modelEmpty(vmas: Vma[], lo: number, hi: number, size: number, rev: boolean): number | undefined {
  const gaps: [number, number][] = [];
  let at = 0;
  for (const v of vmas) {
    if (v.startPage > at) gaps.push([at, v.startPage - 1]);
    at = v.endPage;
  }
  gaps.push([at, Number.MAX_SAFE_INTEGER]);
  let best: number | undefined;
  for (const [gs, ge] of gaps) {
    const s = Math.max(gs, lo);
    const e = Math.min(ge, hi);
    if (e - s + 1 < size) continue;
    const cand = rev ? e - size + 1 : s;
    if (best === undefined || (rev ? cand > best : cand < best)) best = cand;
  }
  return best;
}

describe.each([
  ['legacy', () => new LegacyIndex()],
  ['maple', () => new MapleIndex()],
] as [string, () => VmaIndex][])('%s index', (_name, make) => {
  it('agrees with a sorted-array model over 3000 random operations', () => {
    const rnd = prng(42);
    const idx = make();
    let model: Vma[] = [];
    for (let step = 0; step < 3000; step++) {
      const op = rnd();
      if (op < 0.45 || model.length === 0) {
        const start = Math.floor(rnd() * 5000);
        const end = start + 1 + Math.floor(rnd() * 40);
        if (!model.some((v) => v.startPage < end && v.endPage > start)) {
          const v = new Vma(4096, start, end, 0, start, null);
          idx.insert(v);
          model.push(v);
          model.sort((a, b) => a.startPage - b.startPage);
        }
      } else if (op < 0.7) {
        const v = model[Math.floor(rnd() * model.length)]!;
        idx.remove(v);
        model = model.filter((x) => x !== v);
      } else {
        const k = Math.floor(rnd() * model.length);
        const v = model[k]!;
        const lo = k > 0 ? model[k - 1]!.endPage : 0;
        const hi = k + 1 < model.length ? model[k + 1]!.startPage : v.endPage + 50;
        const s = lo + Math.floor(rnd() * (v.startPage - lo + 1));
        const e = Math.max(s + 1, v.endPage - 5 + Math.floor(rnd() * Math.min(10, hi - v.endPage + 5)));
        idx.setRange(v, s, Math.min(e, hi));
      }
      expect(idx.count).toBe(model.length);
      const p = Math.floor(rnd() * 5100);
      const above = model.find((v) => v.endPage > p);
      expect(idx.findAbove(p)).toBe(above);
      expect(idx.load(p)).toBe(above && above.startPage <= p ? above : undefined);
      const below = [...model].reverse().find((v) => v.startPage < p);
      expect(idx.findBelow(p)).toBe(below);
      const lo = Math.floor(rnd() * 4000);
      const hi = lo + Math.floor(rnd() * 2000);
      const size = 1 + Math.floor(rnd() * 30);
      expect(idx.emptyArea(lo, hi, size)).toBe(modelEmpty(model, lo, hi, size, false));
      expect(idx.emptyAreaRev(lo, hi, size)).toBe(modelEmpty(model, lo, hi, size, true));
      if (step % 100 === 0) {
        idx.validate();
        expect([...idx.range(0, Number.MAX_SAFE_INTEGER)]).toEqual(model);
      }
    }
    const copy = idx.clone((v) => v.dup());
    copy.validate();
    expect([...copy.range(0, Number.MAX_SAFE_INTEGER)].map((v) => [v.startPage, v.endPage])).toEqual(
      model.map((v) => [v.startPage, v.endPage]),
    );
  });
});
