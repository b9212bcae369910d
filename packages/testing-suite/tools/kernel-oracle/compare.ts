/**
 * `node tools/kernel-oracle/run.mjs [options]`: generates seeded operation
 * sequences of every kind (src/shapes/sequences.ts), runs each through the
 * kernel oracle and through @maple-tree/core, and compares the node count and
 * height after every operation and the whole shape at checkpoints. Prints one
 * line per case, then, for each case that diverges, a shrunk reproduction
 * (the oracle script and both sides' answers where they part).
 *
 *   --oracle PATH     the oracle binary (default /tmp/kernel-oracle/oracle)
 *   --seed S          first seed (default 1); case k uses S + k
 *   --per-kind N      cases per kind and tree type (default 6)
 *   --sizes LIST      operation counts to cycle through (default 10,30,100,300,1000,2000,5000)
 *   --kinds LIST      kinds to run (default all)
 *   --case NAMES      these cases too, named as the report names them (mixed/alloc/s387/n5000);
 *                     with --per-kind 0, only these
 *   --fixture FILE    also write the kernel's answers as a shape fixture
 *   --quiet           no line per case
 * Exits 1 when any case diverges.
 */
import { writeFileSync } from 'node:fs';
import { cac } from 'cac';
import {
  encodeRuns,
  type ShapeFixture,
  type ShapeFixtureCase,
  shapeChecksum,
} from '../../src/shapes/fixture.js';
import { replayOnCore, scriptOf } from '../../src/shapes/replay.js';
import {
  caseName,
  generateOps,
  SEQUENCE_KINDS,
  type SequenceKind,
  type ShapeCase,
  type ShapeOp,
} from '../../src/shapes/sequences.js';
import { checkpoints, compareOutputs, type Divergence, shrink } from './divergence.js';
import { checkOracle, DEFAULT_ORACLE, runOracle } from './oracle-process.js';

const cli = cac('kernel-oracle');
cli
  .option('--oracle <path>', 'oracle binary', { default: DEFAULT_ORACLE })
  .option('--seed <s>', 'first seed', { default: 1 })
  .option('--per-kind <n>', 'cases per kind and tree type', { default: 6 })
  .option('--sizes <list>', 'operation counts to cycle through', { default: '10,30,100,300,1000,2000,5000' })
  .option('--kinds <list>', 'sequence kinds', { default: SEQUENCE_KINDS.join(',') })
  .option('--case <names>', 'also run these cases, named as the report names them (kind/flags/sSEED/nSIZE)')
  .option('--fixture <file>', 'write the kernel answers as a shape fixture')
  .option('--quiet', 'no line per case')
  .help();
const { options } = cli.parse();
if (options.help) process.exit(0);

const oracle = String(options.oracle);
checkOracle(oracle);
const sizes = String(options.sizes).split(',').map(Number);
const kinds = String(options.kinds).split(',') as SequenceKind[];
for (const kind of kinds) if (!SEQUENCE_KINDS.includes(kind)) throw new Error(`unknown kind ${kind}`);
const perKind = Number(options.perKind);
let seed = Number(options.seed);

/** `mixed/alloc+rcu/s387/n5000` back into its case. */
function parseCase(name: string): ShapeCase {
  const m = /^([a-z-]+)\/(plain|alloc)(\+rcu)?\/s(-?\d+)\/n(\d+)$/.exec(name);
  if (!m || !SEQUENCE_KINDS.includes(m[1] as SequenceKind)) throw new Error(`bad case name ${name}`);
  return {
    kind: m[1] as SequenceKind,
    seed: Number(m[4]),
    size: Number(m[5]),
    alloc: m[2] === 'alloc',
    rcu: !!m[3],
  };
}

/** Every kind on plain and gap-tracking trees, every third case in RCU mode; then the cases named. */
const cases: ShapeCase[] = [];
kinds.forEach((kind, k) => {
  for (const alloc of [false, true]) {
    for (let j = 0; j < perKind; j++) {
      const size = sizes[(j + k) % sizes.length] as number;
      cases.push({ kind, seed: seed++, size, alloc, rcu: j % 3 === 2 });
    }
  }
});
if (options.case !== undefined) cases.push(...String(options.case).split(',').map(parseCase));

interface Run {
  readonly c: ShapeCase;
  readonly ops: ShapeOp[];
  readonly dumpAfter: Set<number>;
  readonly script: string[];
}

/** Runs `runs` through the oracle in batches of about `lines` script lines each. */
function oracleOutputs(runs: readonly Run[], lines = 200_000): string[][] {
  const outputs: string[][] = [];
  let batch: Run[] = [];
  let batchLines = 0;
  const flush = () => {
    if (batch.length > 0)
      outputs.push(
        ...runOracle(
          oracle,
          batch.map((r) => r.script),
        ),
      );
    batch = [];
    batchLines = 0;
  };
  for (const run of runs) {
    batch.push(run);
    batchLines += run.script.length;
    if (batchLines >= lines) flush();
  }
  flush();
  return outputs;
}

/** The kernel's facts for the fixture, read back out of its output. */
function fixtureCase(run: Run, kernel: readonly string[]): ShapeFixtureCase {
  const nodes: number[] = [];
  const heights: number[] = [];
  const shapes: string[] = [];
  const at: number[] = [];
  let i = 1;
  let op = -1;
  let finalDump: string[] = [];
  for (const line of run.script.slice(1)) {
    if (line === 'dump') {
      const start = i;
      while (kernel[i] !== 'end') i++;
      i++;
      finalDump = kernel.slice(start, i);
      at.push(op);
      shapes.push(shapeChecksum(finalDump));
      continue;
    }
    op++;
    const [n, h] = (kernel[i++] as string).split(' ');
    nodes.push(Number(n));
    heights.push(Number(h));
  }
  return {
    ...run.c,
    nodes: encodeRuns(nodes),
    heights: encodeRuns(heights),
    checkpoints: at,
    shapes,
    ...(finalDump.length <= 12 ? { finalDump } : {}),
  };
}

const started = Date.now();
const runs: Run[] = cases.map((c) => {
  const ops = generateOps(c);
  // Fixtures and reports use about 8-16 checkpoints, whatever the size.
  const dumpAfter = checkpoints(ops.length, 16);
  return { c, ops, dumpAfter, script: scriptOf(c, ops, dumpAfter) };
});
const kernelOutputs = oracleOutputs(runs);
const diverged: { run: Run; divergence: Divergence }[] = [];
let totalOps = 0;
const byKind = new Map<
  string,
  { cases: number; ops: number; diverged: number; nodes: number; height: number }
>();
runs.forEach((run, r) => {
  const kernel = kernelOutputs[r] as string[];
  let core: string[];
  try {
    core = replayOnCore(run.c, run.ops, run.dumpAfter);
  } catch (error) {
    core = ['tree', `threw: ${(error as Error).message}`];
  }
  const divergence = compareOutputs(run.script, kernel, core);
  totalOps += run.ops.length;
  const tally = byKind.get(run.c.kind) ?? { cases: 0, ops: 0, diverged: 0, nodes: 0, height: 0 };
  tally.cases++;
  tally.ops += run.ops.length;
  for (const line of kernel) {
    const answer = /^(\d+) (\d+)( \S+)?$/.exec(line);
    if (!answer) continue;
    tally.nodes = Math.max(tally.nodes, Number(answer[1]));
    tally.height = Math.max(tally.height, Number(answer[2]));
  }
  if (divergence) {
    tally.diverged++;
    diverged.push({ run, divergence });
  }
  byKind.set(run.c.kind, tally);
  if (!options.quiet) {
    const verdict = divergence ? `DIVERGES (first seen after op ${divergence.op + 1})` : 'same';
    console.log(`${caseName(run.c).padEnd(36)} ${verdict}`);
  }
});

console.log(
  `\n${runs.length} sequences, ${totalOps} operations, ${diverged.length} diverging (${((Date.now() - started) / 1000).toFixed(1)} s)`,
);
for (const [kind, t] of byKind) {
  console.log(
    `  ${kind.padEnd(14)} ${t.cases} cases, ${t.ops} ops, ${t.diverged} diverging; largest tree ${t.nodes} nodes, height ${t.height}`,
  );
}

for (const { run } of diverged) {
  const small = shrink(oracle, run.c, run.ops);
  console.log(
    `\n=== ${caseName(run.c)}: ${small.ops.length} operations still diverge (after op ${small.divergence.op + 1})`,
  );
  console.log(scriptOf(run.c, small.ops).slice(0, -1).join('\n'));
  showDifference(small.divergence);
}

/** Both sides where they part: the differing lines of two dumps of one shape, else both answers in full. */
function showDifference(d: Divergence): void {
  const { kernel, core } = d;
  if (kernel.length === core.length && kernel.length > 1) {
    console.log(`--- the dump after op ${d.op + 1}: kernel (<) and core (>) lines that differ`);
    kernel.forEach((line, i) => {
      if (line !== core[i]) console.log(`< ${line}\n> ${core[i]}`);
    });
    return;
  }
  console.log(`--- kernel after op ${d.op + 1}\n${kernel.slice(0, 60).join('\n')}`);
  console.log(`--- core after op ${d.op + 1}\n${core.slice(0, 60).join('\n')}`);
}

if (options.fixture) {
  const fixture: ShapeFixture = {
    source:
      'Linux 6.12 lib/maple_tree.c via packages/testing-suite/tools/kernel-oracle (compare.ts --fixture); ' +
      `options ${JSON.stringify({ seed: Number(options.seed), perKind, sizes, kinds, case: options.case })}`,
    cases: runs.map((run, r) => fixtureCase(run, kernelOutputs[r] as string[])),
  };
  // One case a line: reviewable in a diff, and small.
  const body = fixture.cases.map((c) => `  ${JSON.stringify(c)}`).join(',\n');
  writeFileSync(
    String(options.fixture),
    `{\n "source": ${JSON.stringify(fixture.source)},\n "cases": [\n${body}\n ]\n}\n`,
  );
  console.log(`\nwrote ${fixture.cases.length} cases to ${options.fixture}`);
}
process.exitCode = diverged.length > 0 ? 1 : 0;
