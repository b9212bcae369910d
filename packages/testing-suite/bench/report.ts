/**
 * Writes the benchmark results: `results.json` (everything measured),
 * `results.md` (Markdown tables of median ns/op with the ratio to maple)
 * and one SVG bar chart per size (hand-written SVG, log-scaled).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One library's time for one operation at one size; null when it cannot do it. */
export interface OpResult {
  op: string;
  size: number;
  lib: string;
  nsPerOp: number | null;
  samples: number;
}

/** Retained bytes per stored range. */
export interface MemoryResult {
  size: number;
  lib: string;
  bytesPerRange: number;
}

/** A kernel bench workload's time per loop pass. */
export interface KernelResult {
  name: string;
  kernelCount: number;
  iterations: number;
  /** null when the workload failed (see `error`). */
  nsPerOp: number | null;
  error?: string;
}

/** Everything one run measured. */
export interface BenchResults {
  machine: { cpu: string; cores: number; os: string; node: string };
  date: string;
  /** The repository commit the run measured (`git rev-parse --short HEAD`, plus `+` when the tree had changes). */
  commit?: string;
  settings: Record<string, unknown>;
  libs: string[];
  sizes: number[];
  ops: OpResult[];
  memory: MemoryResult[];
  kernel: KernelResult[];
}

const fmt = (ns: number): string =>
  ns >= 1e6
    ? `${(ns / 1e6).toFixed(2)} ms`
    : ns >= 1e3
      ? `${(ns / 1e3).toFixed(2)} µs`
      : `${ns.toFixed(1)} ns`;

const sizeName = (n: number): string => `10^${Math.round(Math.log10(n))}`;

function cell(r: OpResult | undefined, maple: OpResult | undefined): string {
  if (r === undefined) return '';
  if (r.nsPerOp === null) return 'n/a';
  if (maple === undefined || maple.nsPerOp === null || r.lib === 'maple') return fmt(r.nsPerOp);
  return `${fmt(r.nsPerOp)} (${(r.nsPerOp / maple.nsPerOp).toFixed(2)}×)`;
}

/** The Markdown report. */
export function markdown(res: BenchResults): string {
  const out: string[] = [];
  out.push('# Benchmark results', '');
  out.push(
    `Machine: ${res.machine.cpu}, ${res.machine.cores} cores, ${res.machine.os}; Node ${res.machine.node}; ${res.date}${res.commit ? `; commit ${res.commit}` : ''}.`,
  );
  out.push(`Settings: \`${JSON.stringify(res.settings)}\`.`, '');
  out.push(
    'Median time per operation (tinybench, median of per-call samples divided by the batch size).',
    'In brackets: time relative to maple (above 1 = slower than maple). `n/a`: the static array cannot be written.',
    '',
  );
  const ops = [...new Set(res.ops.map((r) => r.op))];
  for (const op of ops) {
    out.push(
      `## ${op}`,
      '',
      `| ranges | ${res.libs.join(' | ')} |`,
      `|---|${res.libs.map(() => '---:').join('|')}|`,
    );
    for (const size of res.sizes) {
      const row = res.ops.filter((r) => r.op === op && r.size === size);
      if (row.length === 0) continue;
      const maple = row.find((r) => r.lib === 'maple');
      out.push(
        `| ${sizeName(size)} | ${res.libs
          .map((lib) =>
            cell(
              row.find((r) => r.lib === lib),
              maple,
            ),
          )
          .join(' | ')} |`,
      );
    }
    out.push('');
  }
  if (res.memory.length > 0) {
    out.push(
      '## Bytes per range',
      '',
      `| ranges | ${res.libs.join(' | ')} |`,
      `|---|${res.libs.map(() => '---:').join('|')}|`,
    );
    for (const size of res.sizes) {
      const row = res.memory.filter((m) => m.size === size);
      if (row.length === 0) continue;
      const cells = res.libs.map((lib) => {
        const m = row.find((x) => x.lib === lib);
        return m === undefined ? '' : m.bytesPerRange.toFixed(1);
      });
      out.push(`| ${sizeName(size)} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  if (res.kernel.length > 0) {
    out.push(
      "## The kernel's bench workloads (lib/test_maple_tree.c), gap-tracking maple tree",
      '',
      '| workload | kernel count | iterations run | ns per loop pass |',
      '|---|---:|---:|---:|',
    );
    for (const k of res.kernel) {
      const time = k.nsPerOp === null ? `failed: ${k.error}` : k.nsPerOp.toFixed(1);
      out.push(
        `| ${k.name} | ${k.kernelCount.toLocaleString('en')} | ${k.iterations.toLocaleString('en')} | ${time} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}

const COLORS = ['#1b7837', '#2166ac', '#b2182b', '#e08214', '#762a83', '#4d4d4d', '#35978f'];

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A horizontal grouped bar chart of ns/op (log scale) for one size. */
export function svgChart(res: BenchResults, size: number): string {
  const rows = res.ops.filter((r) => r.size === size && r.nsPerOp !== null && r.nsPerOp > 0);
  const ops = [...new Set(rows.map((r) => r.op))];
  const libs = res.libs;
  const bar = 9;
  const groupGap = 10;
  const left = 210;
  const width = 900;
  const top = 40 + 16 * Math.ceil(libs.length / 4);
  const plotW = width - left - 90;
  const values = rows.map((r) => r.nsPerOp!);
  const lo = Math.floor(Math.log10(Math.min(...values, 1e9)));
  const hi = Math.ceil(Math.log10(Math.max(...values, 1)));
  const x = (ns: number) =>
    Math.round((left + ((Math.log10(ns) - lo) / Math.max(1, hi - lo)) * plotW) * 10) / 10;
  const groupH = libs.length * bar + groupGap;
  const height = top + ops.length * groupH + 30;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">Median ns per operation, ${sizeName(size)} ranges (log scale, shorter is faster)</text>`,
  );
  libs.forEach((lib, i) => {
    const lx = 10 + (i % 4) * 200;
    const ly = 34 + Math.floor(i / 4) * 16;
    parts.push(`<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/>`);
    parts.push(`<text x="${lx + 14}" y="${ly}">${esc(lib)}</text>`);
  });
  for (let p = lo; p <= hi; p++) {
    const gx = x(10 ** p);
    parts.push(`<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${height - 24}" stroke="#ddd"/>`);
    parts.push(`<text x="${gx}" y="${height - 10}" text-anchor="middle">${esc(fmt(10 ** p))}</text>`);
  }
  ops.forEach((op, g) => {
    const gy = top + g * groupH;
    parts.push(
      `<text x="${left - 6}" y="${gy + (libs.length * bar) / 2 + 4}" text-anchor="end">${esc(op)}</text>`,
    );
    libs.forEach((lib, i) => {
      const r = rows.find((row) => row.op === op && row.lib === lib);
      if (r === undefined) return;
      const y = gy + i * bar;
      const w = Math.max(1, x(r.nsPerOp!) - left);
      parts.push(
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${bar - 1}" fill="${COLORS[i % COLORS.length]}"/>`,
      );
      parts.push(
        `<text x="${(left + w + 3).toFixed(1)}" y="${y + bar - 1}" font-size="8">${esc(fmt(r.nsPerOp!))}</text>`,
      );
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Writes results.json, results.md and the charts into `dir`. */
export function writeResults(res: BenchResults, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files = [join(dir, 'results.json'), join(dir, 'results.md')];
  writeFileSync(files[0]!, `${JSON.stringify(res, null, 2)}\n`);
  writeFileSync(files[1]!, `${markdown(res)}\n`);
  for (const size of res.sizes) {
    const file = join(dir, `ops-1e${Math.round(Math.log10(size))}.svg`);
    writeFileSync(file, svgChart(res, size));
    files.push(file);
  }
  return files;
}
