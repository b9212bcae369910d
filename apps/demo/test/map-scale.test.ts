// The map's scales: monotonic, exact at both ends, invertible, and the log
// scale gives both ends of the address space room.
import { describe, expect, it } from 'vitest';
import { mapScale } from '../src/model/map-scale.js';

const TOP = 0x7ffffffff000; // x86_64 TASK_SIZE

describe('mapScale', () => {
  for (const kind of ['log', 'linear'] as const) {
    it(`${kind}: increasing, and from() inverts to()`, () => {
      const s = mapScale(kind, TOP);
      const points = [0, 1, 4096, 0x400000, 2 ** 32, TOP / 2, TOP - 2 ** 32, TOP - 0x21000, TOP - 1, TOP];
      for (let k = 1; k < points.length; k++) expect(s.to(points[k]!)).toBeGreaterThan(s.to(points[k - 1]!));
      for (const a of points) expect(s.from(s.to(a))).toBeCloseTo(a, -Math.max(0, Math.log10(a + 1) - 12));
    });
  }

  it('log: symmetric around the middle, so the top 1 GiB gets as much room as the bottom 1 GiB', () => {
    const s = mapScale('log', TOP);
    const span = s.to(TOP) - s.to(0);
    expect(s.to(TOP / 2) - s.to(0)).toBeCloseTo(span / 2, 9);
    const bottom = (s.to(2 ** 30) - s.to(0)) / span;
    const top = (s.to(TOP) - s.to(TOP - 2 ** 30)) / span;
    expect(top).toBeCloseTo(bottom, 9);
    // and far more than on a linear scale, where 1 GiB of 128 TiB is invisible
    expect(bottom).toBeGreaterThan(0.2);
    expect(mapScale('linear', TOP).to(2 ** 30) / TOP).toBeLessThan(1e-4);
  });
});
