/**
 * The benchmark runner: `pnpm bench [--quick] [--sizes 1e3,1e4] [--only load,gap]
 * [--libs maple,sorted-btree] [--scale 0.001] [--time ms] [--seed n] [--out dir]`.
 *
 * For each size it builds every library's range map from the same seeded
 * layout, measures bytes per range and the bulk load, then times each
 * workload; then it runs the kernel's bench workloads on the maple tree with
 * the kernel's counts times `--scale`. Results go to `bench-results/`.
 */
import { execSync } from 'node:child_process';
import { cpus, platform, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MapleTree } from '@maple-tree/core';
import { cac } from 'cac';
import { Presets, SingleBar } from 'cli-progress';
import { KERNEL_BENCHES } from './kernel.js';
import { makeLayout } from './layout.js';
import { bytesPer, type TimingOptions, time } from './measure.js';
import { intervalTree } from './peers/interval-tree.js';
import { jsSdsl } from './peers/js-sdsl.js';
import { maple, mapleGaps } from './peers/maple.js';
import type { Peer } from './peers/range-map.js';
import { functionalRbtree } from './peers/rbtree.js';
import { sortedBtree } from './peers/sorted-btree.js';
import { staticArray } from './peers/static-array.js';
import { type BenchResults, writeResults } from './report.js';
import { consume, WORKLOADS } from './workloads.js';

const cli = cac('bench');
cli
  .option('--quick', 'sizes 10^3..10^5, short sampling, kernel scale 1/5000 (under two minutes)')
  .option('--sizes <list>', 'comma-separated range counts, e.g. 1e3,1e4')
  .option('--only <list>', 'run only workloads whose name contains one of these (also: bulk, memory, kernel)')
  .option('--libs <list>', 'run only these libraries')
  .option('--scale <x>', "fraction of the kernel bench iteration counts (1 = the kernel's full counts)")
  .option('--time <ms>', 'minimum sampling time per task')
  .option('--seed <n>', 'PRNG seed for the layouts and queries', { default: 20240501 })
  .option('--out <dir>', 'output directory')
  .help();
const { options } = cli.parse();
if (options.help) process.exit(0);

const quick = options.quick === true;
const list = (v: unknown): string[] | undefined =>
  v === undefined
    ? undefined
    : String(v)
        .split(',')
        .map((s) => s.trim());
const sizes = (list(options.sizes) ?? (quick ? ['1e3', '1e4', '1e5'] : ['1e3', '1e4', '1e5', '1e6'])).map(
  Number,
);
const only = list(options.only);
const wanted = (name: string) => only === undefined || only.some((o) => name.includes(o));
const scale = options.scale === undefined ? (quick ? 0.0002 : 0.001) : Number(options.scale);
const timing: TimingOptions = {
  time: options.time === undefined ? (quick ? 40 : 300) : Number(options.time),
  iterations: quick ? 5 : 10,
  warmupTime: quick ? 10 : 50,
};
const outDir = options.out ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'bench-results');

const allPeers: Peer[] = [maple, mapleGaps, sortedBtree, jsSdsl, functionalRbtree, intervalTree, staticArray];
const libFilter = list(options.libs);
const peers = allPeers.filter((p) => libFilter === undefined || libFilter.includes(p.name));

/** The commit measured, or undefined outside a git checkout. */
function gitCommit(): string | undefined {
  try {
    const head = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
    const dirty = execSync('git status --porcelain -- .', { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+` : head;
  } catch {
    return undefined;
  }
}

const results: BenchResults = {
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    os: `${platform()} ${release()}`,
    node: process.version,
  },
  date: new Date().toISOString(),
  commit: gitCommit(),
  settings: { quick, sizes, only, scale, timing, seed: Number(options.seed) },
  libs: peers.map((p) => p.name),
  sizes,
  ops: [],
  memory: [],
  kernel: [],
};

const workloads = WORKLOADS.filter((w) => wanted(w.name));
const perSize = peers.length * (workloads.length + (wanted('bulk') ? 1 : 0));
const bar = new SingleBar(
  { format: 'bench |{bar}| {value}/{total} {task}', hideCursor: true },
  Presets.shades_classic,
);
bar.start(perSize * sizes.length, 0, { task: '' });

for (const size of sizes) {
  const layout = makeLayout(size, Number(options.seed));
  for (const peer of peers) {
    if (wanted('memory')) {
      // small sizes are measured over enough copies to hold 10^5 ranges, above the allocator's noise
      const copies = Math.max(1, Math.ceil(100_000 / size));
      const build = () => Array.from({ length: copies }, () => peer.build(layout.ranges));
      results.memory.push({ size, lib: peer.name, bytesPerRange: bytesPer(build, size * copies) });
    }
    if (wanted('bulk')) {
      bar.increment({ task: `${peer.name} bulk load ${size}` });
      const t = await time('bulk', () => peer.build(layout.ranges), { ...timing, iterations: quick ? 3 : 5 });
      results.ops.push({
        op: 'bulk load (per range)',
        size,
        lib: peer.name,
        nsPerOp: (t.medianMs * 1e6) / size,
        samples: t.samples,
      });
    }
    const map = peer.build(layout.ranges);
    for (const w of workloads) {
      bar.increment({ task: `${peer.name} ${w.name} ${size}` });
      if (w.writes && !peer.writable) {
        results.ops.push({ op: w.name, size, lib: peer.name, nsPerOp: null, samples: 0 });
        continue;
      }
      const t = await time(w.name, w.prepare(map, layout), timing);
      results.ops.push({
        op: w.name,
        size,
        lib: peer.name,
        nsPerOp: (t.medianMs * 1e6) / w.batch,
        samples: t.samples,
      });
    }
  }
}
bar.stop();

if (wanted('kernel')) {
  const make = () => new MapleTree<number>({ allocRange: true });
  for (const k of KERNEL_BENCHES) {
    const calls = Math.max(1, Math.round((k.count * scale) / k.batch));
    process.stdout.write(`${k.name}: ${calls * k.batch} passes... `);
    try {
      const t = await time(k.name, k.setup(make), { time: 0, iterations: calls, warmupTime: 0 });
      const nsPerOp = (t.medianMs * 1e6) / k.batch;
      console.log(`${nsPerOp.toFixed(1)} ns/pass`);
      results.kernel.push({ name: k.name, kernelCount: k.count, iterations: calls * k.batch, nsPerOp });
    } catch (error) {
      console.log(`failed: ${String(error)}`);
      results.kernel.push({
        name: k.name,
        kernelCount: k.count,
        iterations: 0,
        nsPerOp: null,
        error: String(error),
      });
    }
  }
}

for (const f of writeResults(results, outDir)) console.log(`wrote ${f}`);
if (consume() === 0.5) console.log('');
