/**
 * Erase-storm microbenchmark: the VMA layer's munmap storm in miniature. A
 * gap-tracking tree with 64-bit pivot words (`allocRange: true,
 * compactPivots: false`) holds `n` ranges two indices wide with gaps of one,
 * keyed like page numbers (0x7f0000000 + 3i); every range is then erased
 * (`storeRange(first, last, undefined)`) in a seeded random order. The tree is
 * rebuilt before every pass (not timed); each pass is timed in CPU time and
 * the figure is the median pass, in ns per NULL store.
 *
 * Also printed: how many stores took each store case (storeStats), a
 * per-case cost from a separate pass that times every store alone with
 * hrtime (the timer's own cost, measured on empty pairs, subtracted), and a
 * checksum of the shapes the passes produce (node count and height after
 * every store, and the dump at a few points), which must not change when the
 * implementation does.
 *
 * Run bundled (tsx/vitest distort timings), from the repository root:
 *   packages/vma-mm/node_modules/.bin/esbuild packages/maple-core/bench/erase-storm.ts \
 *     --bundle --format=esm --platform=node --outfile=/tmp/erase-storm.mjs && node /tmp/erase-storm.mjs
 * Options: `--quick` (fewer passes), `--n=1000,10000` (sizes), `--no-cases` (skip per-case
 * timing), `--no-check` (skip the shape checksum, e.g. under `node --cpu-prof`).
 */

import { dumpTree } from '../src/dump.js';
import { MapleTree } from '../src/index.js';
import { resetStoreStats, storeStats } from '../src/stats.js';
import { prng } from '../test/prng.js';

const BASE = 0x7f0000000;
const quick = process.argv.includes('--quick');
const noCases = process.argv.includes('--no-cases');
const noCheck = process.argv.includes('--no-check');
const nArg = process.argv.find((a) => a.startsWith('--n='));
const sizes = nArg ? nArg.slice(4).split(',').map(Number) : [1000, 10000];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
};

function build(n: number): MapleTree<number> {
  const t = new MapleTree<number>({ allocRange: true, compactPivots: false });
  for (let i = 0; i < n; i++) t.storeRange(BASE + i * 3, BASE + i * 3 + 1, i + 1);
  return t;
}

/** A seeded random order of 0..n-1 (Fisher-Yates). */
function order(n: number, seed: number): Int32Array {
  const rnd = prng(seed);
  const o = new Int32Array(n);
  for (let i = 0; i < n; i++) o[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const x = o[i] as number;
    o[i] = o[j] as number;
    o[j] = x;
  }
  return o;
}

/** String hash (FNV-1a, 32-bit). */
function hash(s: string, h0 = 0x811c9dc5): number {
  let h = h0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** Checksum of the shapes one erase pass produces. */
function shapeChecksum(n: number, ord: Int32Array): number {
  const t = build(n);
  let h = hash(dumpTree(t.core));
  for (let k = 0; k < n; k++) {
    const i = ord[k] as number;
    t.storeRange(BASE + i * 3, BASE + i * 3 + 1, undefined);
    h = Math.imul(h ^ (t.nodeCount * 31 + t.height), 16777619) >>> 0;
    if (k % 97 === 0) h = hash(dumpTree(t.core), h);
  }
  t.validate();
  return h;
}

function erasePass(n: number, ord: Int32Array): number {
  const t = build(n);
  const c0 = process.cpuUsage();
  for (let k = 0; k < n; k++) {
    const i = ord[k] as number;
    t.storeRange(BASE + i * 3, BASE + i * 3 + 1, undefined);
  }
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) * 1e3) / n;
}

const CASES = [
  'spanningStore',
  'rebalance',
  'exactFit',
  'slotStore',
  'nodeStore',
  'append',
  'newRoot',
] as const;

/** Per-case median ns (timer overhead subtracted) over `passes` timed-one-by-one passes. */
function perCase(n: number, ord: Int32Array, passes: number): Record<string, number> {
  const samples: Record<string, number[]> = {};
  for (const c of CASES) samples[c] = [];
  const empty: number[] = [];
  for (let p = 0; p < passes; p++) {
    const t = build(n);
    const before: Record<string, number> = {};
    for (let k = 0; k < n; k++) {
      const i = ord[k] as number;
      for (const c of CASES) before[c] = storeStats[c];
      const a = process.hrtime.bigint();
      t.storeRange(BASE + i * 3, BASE + i * 3 + 1, undefined);
      const b = process.hrtime.bigint();
      const e0 = process.hrtime.bigint();
      const e1 = process.hrtime.bigint();
      empty.push(Number(e1 - e0));
      for (const c of CASES) {
        if (storeStats[c] !== before[c]) {
          (samples[c] as number[]).push(Number(b - a));
          break;
        }
      }
    }
  }
  const timer = median(empty);
  const out: Record<string, number> = { timer };
  for (const c of CASES) {
    const s = samples[c] as number[];
    if (s.length > 0) out[c] = median(s) - timer;
  }
  return out;
}

for (const n of sizes) {
  const ord = order(n, 0x5eed + n);
  resetStoreStats();
  const check = noCheck ? 0 : shapeChecksum(n, ord);
  const counts: string[] = [];
  for (const c of CASES) if (storeStats[c] > 0) counts.push(`${c} ${storeStats[c]}`);
  if (storeStats.borrow > 0) counts.push(`borrow ${storeStats.borrow}`);
  if (storeStats.collapse > 0) counts.push(`collapse ${storeStats.collapse}`);
  console.log(`n=${n} shape checksum ${check.toString(16)}; cases: ${counts.join(', ')}`);
  const passes = Math.max(quick ? 20 : 60, Math.round((quick ? 40_000 : 300_000) / n));
  for (let w = 0; w < 5; w++) erasePass(n, ord);
  const times: number[] = [];
  for (let p = 0; p < passes; p++) times.push(erasePass(n, ord));
  console.log(
    `n=${n} erase-all: median ${median(times).toFixed(1)} ns/store (${passes} passes, p25 ${[...times].sort((a, b) => a - b)[passes >> 2]?.toFixed(1)})`,
  );
  if (!noCases) {
    const pc = perCase(n, ord, Math.max(5, Math.round((quick ? 10_000 : 40_000) / n)));
    const parts = Object.entries(pc).map(([k, v]) => `${k} ${v.toFixed(0)}`);
    console.log(`n=${n} per-case median ns: ${parts.join(', ')}`);
  }
}
