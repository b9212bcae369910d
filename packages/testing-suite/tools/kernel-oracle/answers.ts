/**
 * `node tools/kernel-oracle/run.mjs answers [options]`: generates seeded
 * scripts of reads, searches and writes (src/answers/sequences.ts), runs each
 * through the kernel oracle and through @maple-tree/core (src/answers/replay.ts),
 * and compares every answer line: the entries mtree_load, mt_find, mt_next,
 * mt_prev and the cursor calls return, the cursor's index and last, the
 * errors, the starts of allocations, node counts and heights after writes,
 * and the final shape. Prints a summary, then for each diverging script a
 * shrunk reproduction with both sides' answers where they part.
 *
 *   --oracle PATH     the oracle binary (default /tmp/kernel-oracle/oracle)
 *   --seed S          first seed (default 1); case k uses S + k
 *   --cases N         cases per tree type, plain and gap-tracking (default 40)
 *   --sizes LIST      operation counts to cycle through (default 30,100,300,1000)
 *   --case NAMES      these cases too (answers/alloc/s42/n300); with --cases 0, only these
 *   --fixture FILE    also write the kernel's answers as a fixture
 *   --quiet           no line per case
 * Exits 1 when any case diverges.
 */
import { writeFileSync } from 'node:fs';
import { cac } from 'cac';
import { type AnswerFixture, answerBlocks, scriptChecksum } from '../../src/answers/fixture.js';
import { answerOnCore } from '../../src/answers/replay.js';
import {
  type AnswerCase,
  answerCaseName,
  generateAnswerScript,
  scriptRuleBreak,
} from '../../src/answers/sequences.js';
import { checkOracle, DEFAULT_ORACLE, runOracle } from './oracle-process.js';

const cli = cac('kernel-oracle answers');
cli
  .option('--oracle <path>', 'oracle binary', { default: DEFAULT_ORACLE })
  .option('--seed <s>', 'first seed', { default: 1 })
  .option('--cases <n>', 'cases per tree type', { default: 40 })
  .option('--sizes <list>', 'operation counts to cycle through', { default: '30,100,300,1000' })
  .option('--case <names>', 'also run these cases (answers/alloc/s42/n300)')
  .option('--fixture <file>', 'write the kernel answers as a fixture')
  .option('--quiet', 'no line per case')
  .help();
// The first argument (`answers`) chose this tool in run.mjs.
const { options } = cli.parse(process.argv.filter((a) => a !== 'answers'));
if (options.help) process.exit(0);

const oracle = String(options.oracle);
checkOracle(oracle);
const sizes = String(options.sizes).split(',').map(Number);
const perType = Number(options.cases);

function parseCase(name: string): AnswerCase {
  const m = /^answers\/(plain|alloc)\/s(-?\d+)\/n(\d+)$/.exec(name);
  if (!m) throw new Error(`bad case name ${name}`);
  return { alloc: m[1] === 'alloc', seed: Number(m[2]), size: Number(m[3]) };
}

const cases: AnswerCase[] = [];
let seed = Number(options.seed);
for (const alloc of [false, true]) {
  for (let j = 0; j < perType; j++)
    cases.push({ seed: seed++, size: sizes[j % sizes.length] as number, alloc });
}
if (options.case !== undefined) cases.push(...String(options.case).split(',').map(parseCase));

/**
 * The first line where two outputs differ, or -1. A kernel output that ends
 * in `stop ...` (the oracle stopped a script where 6.12 would step from no
 * node) is compared up to that line.
 */
function firstDifference(kernel: readonly string[], core: readonly string[]): number {
  const n = Math.max(kernel.length, core.length);
  for (let i = 0; i < n; i++) {
    if (kernel[i]?.startsWith('stop ')) return -1;
    if (kernel[i] !== core[i]) return i;
  }
  return -1;
}

function coreOutput(script: readonly string[]): string[] {
  try {
    return answerOnCore(script);
  } catch (error) {
    return ['tree', `threw: ${(error as Error).message}`];
  }
}

/** Output line i answers script line i, except within dumps (which come last): the script line it answers. */
function scriptLineOf(script: readonly string[], outputLine: number): number {
  return Math.min(outputLine, script.length - 1);
}

/** Runs scripts through the oracle in batches of about 100 000 lines. */
function oracleOutputs(scripts: readonly string[][]): string[][] {
  const outputs: string[][] = [];
  let batch: string[][] = [];
  let lines = 0;
  for (const script of scripts) {
    batch.push(script);
    lines += script.length;
    if (lines >= 100_000) {
      outputs.push(...runOracle(oracle, batch));
      batch = [];
      lines = 0;
    }
  }
  if (batch.length > 0) outputs.push(...runOracle(oracle, batch));
  return outputs;
}

/** Diverges: the two sides part somewhere (a shrunk script must keep the rules of the scripts). */
function diverges(scripts: readonly string[][]): boolean[] {
  const kernel = oracleOutputs(scripts);
  return scripts.map((s, i) => firstDifference(kernel[i] as string[], coreOutput(s)) >= 0);
}

/**
 * A short script that still diverges: cut after the first difference (with a
 * dump at the end), then remove chunks of lines (ddmin, every chunk of the
 * current size tried in one oracle run) while the two sides still part.
 */
function shrink(script: readonly string[], at: number, seconds = 30): string[] {
  const until = Date.now() + seconds * 1000;
  const body = script.slice(1, Math.min(scriptLineOf(script, at), script.length - 2) + 1);
  const head = script[0] as string;
  const full = (lines: readonly string[]) => [head, ...lines, 'dump'];
  let best = body;
  let parts = 2;
  while (best.length > 1 && Date.now() < until) {
    const size = Math.ceil(best.length / parts);
    const candidates: string[][] = [];
    for (let start = 0; start < best.length; start += size) {
      const candidate = [...best.slice(0, start), ...best.slice(start + size)];
      if (candidate.length > 0 && scriptRuleBreak(full(candidate)) < 0) candidates.push(candidate);
    }
    const found = candidates.length > 0 ? diverges(candidates.map(full)).indexOf(true) : -1;
    if (found >= 0) {
      best = candidates[found] as string[];
      parts = Math.max(2, parts - 1);
    } else if (size <= 1) {
      break;
    } else {
      parts = Math.min(best.length, parts * 2);
    }
  }
  return full(best);
}

const started = Date.now();
const scripts = cases.map(generateAnswerScript);
for (const [i, script] of scripts.entries()) {
  const at = scriptRuleBreak(script);
  if (at >= 0)
    throw new Error(`${answerCaseName(cases[i] as AnswerCase)}: line ${at} breaks the script rules`);
}
const kernelOutputs = oracleOutputs(scripts);
const diverged: number[] = [];
let operations = 0;
let compared = 0;
let stopped = 0;
const counts = new Map<string, number>();
scripts.forEach((script, i) => {
  const kernel = kernelOutputs[i] as string[];
  const at = firstDifference(kernel, coreOutput(script));
  const stop = kernel[kernel.length - 1]?.startsWith('stop ') ? kernel.length - 1 : script.length - 1;
  operations += script.length - 2;
  // Compared: the lines answered before a stop, but for those both sides skip.
  for (let k = 1; k < stop; k++) {
    if (kernel[k] === 'skip') continue;
    const cmd = (script[k] as string).split(' ')[0] as string;
    counts.set(cmd, (counts.get(cmd) ?? 0) + 1);
    compared++;
  }
  if (at >= 0) diverged.push(i);
  if (stop < script.length - 1) stopped++;
  if (!options.quiet) {
    const name = answerCaseName(cases[i] as AnswerCase).padEnd(30);
    console.log(
      `${name} ${at >= 0 ? `DIVERGES at line ${at}: ${script[scriptLineOf(script, at)]}` : 'same'}`,
    );
  }
});
console.log(
  `\n${scripts.length} scripts, ${operations} operations (${compared} compared), ${diverged.length} diverging, ${stopped} stopped early by the oracle (${((Date.now() - started) / 1000).toFixed(1)} s)`,
);
console.log('compared calls:');
console.log(
  [...counts]
    .sort()
    .map(([cmd, k]) => `${cmd} ${k}`)
    .join(', '),
);

for (const i of diverged.slice(0, 8)) {
  const script = scripts[i] as string[];
  const at = firstDifference(kernelOutputs[i] as string[], coreOutput(script));
  const small = shrink(script, at);
  const kernel = runOracle(oracle, [small])[0] as string[];
  const core = coreOutput(small);
  console.log(`\n=== ${answerCaseName(cases[i] as AnswerCase)}: ${small.length - 2} lines still diverge`);
  small.forEach((line, k) => {
    const mark = kernel[k] === core[k] ? ' ' : '!';
    if (line === 'dump') return;
    console.log(
      `${mark} ${line.padEnd(40)} kernel: ${kernel[k]}${kernel[k] === core[k] ? '' : `   core: ${core[k]}`}`,
    );
  });
  const d = firstDifference(kernel, core);
  if (d >= small.length - 1) {
    console.log(`--- final dump: kernel\n${kernel.slice(small.length - 1).join('\n')}`);
    console.log(`--- core\n${core.slice(small.length - 1).join('\n')}`);
  }
}

if (options.fixture) {
  const fixture: AnswerFixture = {
    source:
      'Linux 6.12 lib/maple_tree.c via packages/testing-suite/tools/kernel-oracle (answers.ts --fixture); ' +
      `options ${JSON.stringify({ seed: Number(options.seed), cases: perType, sizes, case: options.case })}`,
    cases: cases.map((c, i) => {
      const kernel = kernelOutputs[i] as string[];
      const last = kernel[kernel.length - 1] as string;
      const stop = last.startsWith('stop ') ? last.slice(5) : undefined;
      const compared = stop === undefined ? kernel : kernel.slice(0, -1);
      return {
        ...c,
        script: scriptChecksum(scripts[i] as string[]),
        compared: compared.length,
        ...(stop === undefined ? {} : { stop }),
        blocks: answerBlocks(compared),
        ...(compared.length <= 40 ? { output: compared } : {}),
      };
    }),
  };
  const body = fixture.cases.map((c) => `  ${JSON.stringify(c)}`).join(',\n');
  writeFileSync(
    String(options.fixture),
    `{\n "source": ${JSON.stringify(fixture.source)},\n "cases": [\n${body}\n ]\n}\n`,
  );
  console.log(`\nwrote ${fixture.cases.length} cases to ${options.fixture}`);
}
process.exitCode = diverged.length > 0 ? 1 : 0;
