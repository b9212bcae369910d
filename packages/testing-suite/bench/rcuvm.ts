/**
 * RCUVM in miniature: page-fault lookups (find_vma) from worker threads while
 * the main thread maps, unmaps and mprotects, with the lookups lock-free
 * (the maple tree's RCU mode: @maple-tree/rcu's SharedMapleTree) against the
 * same with one lock (mmap_lock) around every lookup and every system call.
 *
 * The address space is a real @maple-tree/vma-mm AddressSpace (the kernel's
 * answers, merges, splits and placement); vma-mm keeps VMAs as objects in
 * its own tree, so this mirrors it into a SharedMapleTree after each call:
 * the range the call touched is rewritten from `mm.vmas()` (page ranges ->
 * vm_flags & 0xf), which is exactly what a fault needs to decide. Seeded;
 * medians of several timed runs.
 *
 * Run: `pnpm --filter @maple-tree/testing-suite exec tsx --conditions=@maple-tree/source bench/rcuvm.ts [--quick]`
 */

import { Worker } from 'node:worker_threads';
import { SharedMapleTree } from '@maple-tree/rcu';
import { AddressSpace, MAP, PROT } from '@maple-tree/vma-mm';
import { lock, unlock } from './rcuvm-lock.js';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 7;
const RUN_MS = quick ? 300 : 700;
const WORKERS = 2;
const PAGE = 4096;
const MAPPINGS = 3000;

let seed = 20240501;
const rnd = (n: number) => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return Math.floor((seed / 4294967296) * n);
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

const mm = new AddressSpace({ arch: 'x86_64' });
const mirror = new SharedMapleTree({ maxNodes: 1 << 17 });

/** Rewrites the mirror over [addr, addr + len) from the address space. */
function sync(addr: number, len: number): void {
  const lo = addr / PAGE;
  const hi = lo + len / PAGE - 1;
  mirror.storeRange(lo, hi, undefined);
  for (const v of mm.vmas(addr, addr + len)) {
    mirror.storeRange(Math.max(v.startPage, lo), Math.min(v.endPage - 1, hi), v.flags & 0xf);
  }
}

const live: { addr: number; len: number }[] = [];
function mapOne(): void {
  const len = (1 + rnd(64)) * PAGE;
  const prot = rnd(4) === 0 ? PROT.READ : PROT.READ | PROT.WRITE;
  const addr = mm.mmap(0, len, prot, MAP.PRIVATE | MAP.ANONYMOUS);
  if (addr < 0) throw new Error(`mmap failed: ${addr}`);
  sync(addr, len);
  live.push({ addr, len });
}
function unmapOne(): void {
  const i = rnd(live.length);
  const m = live[i] as { addr: number; len: number };
  live[i] = live[live.length - 1] as { addr: number; len: number };
  live.pop();
  if (mm.munmap(m.addr, m.len) !== 0) throw new Error('munmap failed');
  sync(m.addr, m.len);
}
function protectOne(): void {
  const m = live[rnd(live.length)] as { addr: number; len: number };
  const prot = rnd(2) === 0 ? PROT.READ : PROT.READ | PROT.WRITE;
  if (mm.mprotect(m.addr, m.len, prot) !== 0) throw new Error('mprotect failed');
  sync(m.addr, m.len);
}
/** One system call, keeping the number of mappings near MAPPINGS. */
function syscall(): void {
  const r = rnd(100);
  if (r < 10) protectOne();
  else if (live.length < MAPPINGS || (r < 55 && live.length < MAPPINGS * 1.2)) mapOne();
  else unmapOne();
}

for (let i = 0; i < MAPPINGS; i++) mapOne();
let lowPage = Number.MAX_SAFE_INTEGER;
let highPage = 0;
for (const m of live) {
  lowPage = Math.min(lowPage, m.addr / PAGE);
  highPage = Math.max(highPage, (m.addr + m.len) / PAGE);
}
lowPage -= 4096;

const control = new SharedArrayBuffer(8);
const words = new Int32Array(control);
const workers = Array.from({ length: WORKERS }, () => {
  const worker = new Worker(new URL('./rcuvm-ts-worker.mjs', import.meta.url), {
    execArgv: ['--conditions=@maple-tree/source'],
    workerData: {
      entry: new URL('./rcuvm-worker.ts', import.meta.url).href,
      handle: mirror.handle,
      control,
      lowPage,
      highPage,
    },
  });
  const waiting: ((m: unknown) => void)[] = [];
  worker.on('message', (m) => waiting.shift()?.(m));
  return { worker, next: () => new Promise<unknown>((resolve) => waiting.push(resolve)) };
});
await Promise.all(workers.map((w) => w.next()));

type Row = { faults: number; calls: number };
async function round(locked: boolean, writing: boolean, runSeed: number): Promise<Row> {
  Atomics.store(words, 1, 0);
  const answers = workers.map((w) => w.next());
  for (const [i, w] of workers.entries()) w.worker.postMessage({ go: { locked, seed: runSeed * 7 + i } });
  let calls = 0;
  const t0 = performance.now();
  const end = t0 + RUN_MS;
  while (performance.now() < end) {
    if (!writing) {
      // Leave the cores to the readers: sleep in short steps.
      Atomics.wait(words, 1, 0, 5);
      continue;
    }
    for (let i = 0; i < 16; i++) {
      if (locked) lock(words);
      syscall();
      if (locked) unlock(words);
    }
    calls += 16;
  }
  Atomics.store(words, 1, 1);
  const ms = performance.now() - t0;
  const results = (await Promise.all(answers)) as { faults: number }[];
  const faults = results.reduce((s, r) => s + r.faults, 0);
  return { faults: (faults / ms) * 1000, calls: (calls / ms) * 1000 };
}

console.log(
  `RCUVM miniature: ${MAPPINGS} anonymous mappings on x86_64, ${WORKERS} fault workers, main thread doing mmap/munmap/mprotect (median of ${RUNS} x ${RUN_MS} ms)`,
);
const table: string[][] = [['', 'faults/s (all workers)', 'syscalls/s (main)']];
for (const [name, locked, writing] of [
  ['lock-free lookups, no syscalls', false, false],
  ['lock-free lookups (RCU)', false, true],
  ['mmap_lock around everything', true, true],
] as const) {
  const rows: Row[] = [];
  await round(locked, writing, 0); // warm-up
  for (let r = 1; r <= RUNS; r++) rows.push(await round(locked, writing, r));
  table.push([
    name,
    `${(median(rows.map((r) => r.faults)) / 1e6).toFixed(3)} M`,
    writing ? `${(median(rows.map((r) => r.calls)) / 1e3).toFixed(1)} k` : '-',
  ]);
}
const widths = (table[0] as string[]).map((_, i) => Math.max(...table.map((r) => (r[i] as string).length)));
for (const r of table) console.log(r.map((c, i) => c.padEnd(widths[i] as number)).join('  '));
for (const w of workers) w.worker.postMessage({ stop: true });
