// The benchmark's own machinery: the workloads must leave every map as they
// found it (paired writes), the kernel workloads must run their loops and
// pass their own checks, and the report must compute ratios and mark what a
// library cannot do.
import { MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { KERNEL_BENCHES } from '../bench/kernel.js';
import { makeLayout } from '../bench/layout.js';
import { maple, mapleGaps } from '../bench/peers/maple.js';
import { sortedBtree } from '../bench/peers/sorted-btree.js';
import { staticArray } from '../bench/peers/static-array.js';
import { type BenchResults, markdown, svgChart } from '../bench/report.js';
import { WORKLOADS } from '../bench/workloads.js';

describe('workloads', () => {
  it.each([maple, mapleGaps, sortedBtree, staticArray])('leave $name as they found it', (peer) => {
    const layout = makeLayout(2000, 1);
    const map = peer.build(layout.ranges);
    const sum = map.scan(0, Number.MAX_SAFE_INTEGER);
    for (const w of WORKLOADS) {
      if (w.writes && !peer.writable) continue;
      const call = w.prepare(map, layout);
      call();
      call();
    }
    expect(map.size).toBe(2000);
    expect(map.scan(0, Number.MAX_SAFE_INTEGER)).toBe(sum);
    for (const q of layout.hits.slice(0, 50)) expect(map.load(q)).toBeDefined();
    for (const q of layout.misses.slice(0, 50)) expect(map.load(q)).toBeUndefined();
  });
});

describe('kernel bench workloads', () => {
  it.each(KERNEL_BENCHES)('$name runs and passes its checks', (k) => {
    const pass = k.setup(() => new MapleTree<number>({ allocRange: true }));
    expect(() => pass()).not.toThrow();
  });
});

describe('report', () => {
  const res: BenchResults = {
    machine: { cpu: 'test cpu', cores: 2, os: 'os', node: 'v20' },
    date: '2026-01-01',
    settings: {},
    libs: ['maple', 'peer', 'static array'],
    sizes: [1000],
    ops: [
      { op: 'load', size: 1000, lib: 'maple', nsPerOp: 10, samples: 5 },
      { op: 'load', size: 1000, lib: 'peer', nsPerOp: 20, samples: 5 },
      { op: 'load', size: 1000, lib: 'static array', nsPerOp: 5, samples: 5 },
      { op: 'store', size: 1000, lib: 'maple', nsPerOp: 100, samples: 5 },
      { op: 'store', size: 1000, lib: 'static array', nsPerOp: null, samples: 0 },
    ],
    memory: [{ size: 1000, lib: 'maple', bytesPerRange: 64.25 }],
    kernel: [
      { name: 'bench_load', kernelCount: 550_000_000, iterations: 1000, nsPerOp: 20 },
      { name: 'bench_forking', kernelCount: 80_000, iterations: 0, nsPerOp: null, error: 'boom' },
    ],
  };

  it('writes ratios to maple, n/a, memory and kernel rows, and names the machine', () => {
    const md = markdown(res);
    expect(md).toContain('test cpu, 2 cores');
    expect(md).toContain('| 10^3 | 10.0 ns | 20.0 ns (2.00×) | 5.0 ns (0.50×) |');
    expect(md).toContain('| 10^3 | 100.0 ns |  | n/a |');
    expect(md).toContain('| 10^3 | 64.3 |');
    expect(md).toContain('| bench_load | 550,000,000 | 1,000 | 20.0 |');
    expect(md).toContain('failed: boom');
  });

  it('draws one bar per measured result', () => {
    const svg = svgChart(res, 1000);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<rect x="210" y="\d+" width="[\d.]+" height="8"/g)).toHaveLength(4);
  });
});
