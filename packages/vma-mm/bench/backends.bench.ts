// The two VMA indexes on the same work: whole trace replays, and find_vma
// look-ups (random, and repeated ones that the legacy VMA cache answers).
// Run: npx -y pnpm@12.4.2 --filter @maple-tree/vma-mm bench
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { bench, describe } from 'vitest';
import { type AddressSpace, type BackendName, parseTrace, replayTrace } from '../src/index.js';

const dir = new URL('../fixtures/traces/', import.meta.url);
const load = (name: string) =>
  parseTrace(gunzipSync(readFileSync(new URL(`${name}.jsonl.gz`, dir))).toString('utf8'));
const many = load('synth-many-3');
const limit = load('synth-limit-8');
const BACKENDS: BackendName[] = ['maple', 'legacy'];

for (const [name, records] of [
  ['synth-many-3 (20k ops)', many],
  ['synth-limit-8 (80k ops)', limit],
] as const) {
  describe(`replay ${name}`, () => {
    for (const backend of BACKENDS)
      bench(backend, () => void replayTrace(records, { backend }), { iterations: 3 });
  });
}

/** A seeded xorshift generator, so every run looks up the same addresses. */
function xorshift(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const spaces = new Map<BackendName, AddressSpace>(
  BACKENDS.map((b) => [b, replayTrace(many, { backend: b }).mm]),
);
const vmas = [...spaces.get('maple')!.vmas()];
const rnd = xorshift(12345);
const randomAddrs = Array.from({ length: 4096 }, () => {
  const v = vmas[Math.floor(rnd() * vmas.length)]!;
  return v.start + Math.floor(rnd() * v.pages) * 4096;
});

describe('find_vma, random addresses', () => {
  for (const backend of BACKENDS) {
    const mm = spaces.get(backend)!;
    bench(backend, () => {
      for (const a of randomAddrs) mm.findVma(a);
    });
  }
});

describe('find_vma, the same few addresses again and again', () => {
  const hot = randomAddrs.slice(0, 4);
  for (const backend of BACKENDS) {
    const mm = spaces.get(backend)!;
    bench(backend, () => {
      for (let k = 0; k < 1024; k++) mm.findVma(hot[k & 3]!);
    });
  }
});
