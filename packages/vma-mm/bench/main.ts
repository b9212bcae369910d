/**
 * The vma-mm benchmark: both VMA indexes (maple, legacy) side by side on
 * every workload in one run, plus, on the scaled workloads, the maple index
 * with its caches off and the seed's maple index; prints a Markdown table of
 * median ns per operation with the ratios legacy / maple (above 1: maple is
 * faster), legacy / maple with caches off (the tree alone) and seed / maple
 * (what the look-up work gained). Run it with `node bench/run.mjs` (see run.mjs).
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fmtTime, type Result, run, type SampleOptions } from './measure.js';
import { scaledWorkloads, traceWorkloads } from './workloads.js';

/** Entry point (called by run.mjs with the command-line arguments). */
export async function main(argv: string[], traces: URL): Promise<void> {
  const quick = argv.includes('--quick');
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const only = arg('--only');
  const sizes = quick ? [1000, 10000] : [1000, 10000, 65000];
  const opt: SampleOptions = quick
    ? { minSamples: 3, minTimeMs: 50, maxSamples: 15, warmupMs: 30 }
    : { minSamples: 9, minTimeMs: 600, maxSamples: 61, warmupMs: 300 };
  const workloads = [...traceWorkloads(traces), ...sizes.flatMap(scaledWorkloads)].filter(
    (w) => !only || `${w.group} ${w.name} ${w.vmas ?? ''}`.includes(only),
  );
  const results: Result[] = [];
  const rows: string[] = [
    '| workload | VMAs | maple | legacy | legacy / maple | maple, caches off | legacy / caches off | seed maple index | seed / maple |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  let group = '';
  for (const w of workloads) {
    const r = run(w, opt);
    results.push(r);
    if (w.group !== group) {
      group = w.group;
      rows.push(`| **${group}** | | | | | | | | |`);
    }
    const { maple, legacy, bare, seed } = r.nsPerOp as {
      maple: number;
      legacy: number;
      bare?: number;
      seed?: number;
    };
    const cells = [
      w.name,
      w.vmas ?? '',
      fmtTime(maple),
      fmtTime(legacy),
      `${(legacy / maple).toFixed(2)}x`,
      bare === undefined ? '' : fmtTime(bare),
      bare === undefined ? '' : `${(legacy / bare).toFixed(2)}x`,
      seed === undefined ? '' : fmtTime(seed),
      seed === undefined ? '' : `${(seed / maple).toFixed(2)}x`,
    ];
    const line = `| ${cells.join(' | ')} |`;
    rows.push(line);
    console.log(line);
  }
  const head = `Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), ${new Date().toISOString().slice(0, 10)}; CPU time, median of >= ${opt.minSamples} interleaved samples.`;
  const table = `${head}\n\n${rows.join('\n')}\n`;
  const md = arg('--md');
  if (md) writeFileSync(md, table);
  const json = arg('--json');
  if (json) {
    const out = results.map((r) => ({
      group: r.workload.group,
      name: r.workload.name,
      vmas: r.workload.vmas,
      ...r.nsPerOp,
    }));
    writeFileSync(json, JSON.stringify(out, null, 2));
  }
  console.log(`\n${table}`);
}
