/**
 * `pnpm fuzz [--seconds N] [--seed S] [--max-ops M] [--exclude LIST] [--out FILE]`: fuzzes
 * `@maple-tree/core` against the reference model for a while, with a
 * progress bar, then prints throughput and the result. On a failure it
 * prints the shrunk case as a vitest test (and writes it to `--out`).
 */
import { writeFileSync } from 'node:fs';
import { cac } from 'cac';
import { Presets, SingleBar } from 'cli-progress';
import { coreTree } from '../core-tree.js';
import { fuzz } from './fuzz.js';

const cli = cac('fuzz');
cli
  .option('--seconds <n>', 'how long to fuzz', { default: 30 })
  .option('--seed <s>', 'base seed (batch k uses seed + k)', { default: Date.now() % 1_000_000 })
  .option('--max-ops <m>', 'longest operation sequence per case', { default: 80 })
  .option('--exclude <list>', 'operation kinds or cursor moves to leave out, e.g. clone,cursor.store')
  .option('--out <file>', 'where to write the failing case as a test')
  .help();
const { options } = cli.parse();
if (options.help) process.exit(0);

const seconds = Number(options.seconds);
const seed = Number(options.seed);
const bar = new SingleBar(
  { format: 'fuzz |{bar}| {value}/{total}s  {cases} cases  {rate} ops/s', hideCursor: true },
  Presets.shades_classic,
);
bar.start(seconds, 0, { cases: 0, rate: 0 });
const report = fuzz({
  factory: coreTree,
  seed,
  seconds,
  maxOps: Number(options.maxOps),
  exclude: options.exclude === undefined ? [] : String(options.exclude).split(','),
  onProgress: (p) => {
    if (p.cases % 25 !== 0) return;
    const rate = Math.round(p.ops / Math.max(p.elapsedMs / 1000, 0.001));
    bar.update(Math.min(seconds, Math.floor(p.elapsedMs / 1000)), { cases: p.cases, rate });
  },
});
bar.update(Math.min(seconds, Math.floor(report.elapsedMs / 1000)));
bar.stop();

const rate = Math.round(report.ops / Math.max(report.elapsedMs / 1000, 0.001));
console.log(
  `seed ${report.seed}: ${report.cases} cases, ${report.ops} operations in ${(report.elapsedMs / 1000).toFixed(1)} s (${rate} ops/s)`,
);
if (report.ok) {
  console.log('result: no difference from the model');
} else {
  const failure = report.failure!;
  console.log(
    `result: DIFFERENCE (batch seed ${failure.seed}), shrunk to ${failure.case.ops.length} operations`,
  );
  console.log(failure.message);
  console.log('\n--- paste into packages/testing-suite/test/ ---\n');
  console.log(failure.test);
  if (options.out) writeFileSync(String(options.out), failure.test);
  process.exitCode = 1;
}
