/**
 * The demo's command line (`pnpm demo` from the repository root):
 *
 *   pnpm demo                      replay the bundled python3 trace on both backends
 *   pnpm demo --trace FILE         any vmtrace/1 file (.jsonl or .jsonl.gz)
 *   pnpm demo --json               the same report as JSON
 *   pnpm demo --serve              start the web visualiser and print its URL
 *
 * Problems with the input (missing or malformed file, bad option) print one
 * line on stderr and exit 2; nothing prints a stack trace.
 */

import { TraceFormatError } from '@maple-tree/vma-mm';
import { cac } from 'cac';
import cliProgress from 'cli-progress';
import { buildReport } from '../model/replay-report.js';
import { formatReport } from './format.js';
import { type Served, serveVisualiser } from './serve.js';
import { DEFAULT_TRACE, InputError, readTraceFile } from './trace-file.js';

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether stderr is a terminal (the progress bar's default). */
  isTTY: boolean;
  /** The stream the progress bar draws on. */
  progressStream?: NodeJS.WritableStream;
  /** Receives the running --serve server (tests use it to stop the server). */
  onServe?: (served: Served) => void;
}

const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stderr.isTTY),
  progressStream: process.stderr,
};

interface Options {
  trace?: string;
  json?: boolean;
  serve?: boolean;
  port?: number | string;
  host?: string;
  progress?: boolean;
  runs?: number | string;
  help?: boolean;
}

/** Ops from which the progress bar shows by default (on a terminal). */
const PROGRESS_FROM = 2000;

function intOption(
  v: number | string | undefined,
  name: string,
  min: number,
  max: number,
): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InputError(`--${name} must be an integer from ${min} to ${max}, got ${String(v)}`);
  return n;
}

function makeCli() {
  const cli = cac('pnpm demo');
  cli
    .command(
      '',
      'Replay a recorded Linux address-space trace through @maple-tree/vma-mm on the maple and legacy backends',
    )
    .option(
      '--trace <file>',
      'vmtrace/1 file to replay, .jsonl or .jsonl.gz (default: the bundled python3 trace)',
    )
    .option('--json', 'print the report as one JSON object instead of text')
    .option(
      '--runs <n>',
      'timed replays per backend after a warm-up, alternating backends (default: as many as fit ~0.5 s, 3 to 50)',
    )
    .option(
      '--progress',
      'progress bar on stderr (default: on a terminal, for traces of 2000+ ops; --no-progress: never)',
    )
    .option('--serve', 'start the web visualiser (Vite dev server) and print its URL')
    .option('--port <port>', 'port for --serve', { default: 5173 })
    .option('--host <host>', 'interface for --serve', { default: '127.0.0.1' })
    .example('  $ pnpm demo --trace packages/vma-mm/fixtures/traces/real-perl.jsonl.gz')
    .example('  $ pnpm demo --json | jq .backends')
    .example('  $ pnpm demo --serve')
    .action(() => {});
  cli.help((sections) => [
    sections[0]!,
    {
      body:
        'Replays a recorded Linux address-space history (vmtrace/1) through @maple-tree/vma-mm on\n' +
        'both backends (maple tree, and the legacy rb-tree + list + VMA cache) and prints the verdict\n' +
        "against the kernel's own recording, the final /proc/PID/maps, the maple tree's shape and both\n" +
        'timings.',
    },
    { title: 'Usage', body: '  $ pnpm demo [options]' },
    ...sections.filter((s) => s.title === 'Options' || s.title === 'Examples'),
  ]);
  return cli;
}

async function main(argv: string[], io: CliIo): Promise<number | 'serving'> {
  const cli = makeCli();
  let parsed: { options: Options };
  try {
    parsed = cli.parse(['node', 'demo', ...argv], { run: false }) as { options: Options };
    if (parsed.options.help) return 0;
    cli.runMatchedCommand();
  } catch (e) {
    if (e instanceof Error && e.name === 'CACError') throw new InputError(`${e.message} (see --help)`);
    throw e;
  }
  const o = parsed.options;
  if (o.serve) {
    const port = intOption(o.port, 'port', 0, 65535)!;
    const served = await serveVisualiser(String(o.host), port);
    io.out(`maple-tree visualiser: ${served.url}\n(press Ctrl-C to stop)\n`);
    io.onServe?.(served);
    return 'serving';
  }
  if (o.trace !== undefined && (typeof o.trace !== 'string' || o.trace === ''))
    throw new InputError('--trace needs a file name');
  const runs = intOption(o.runs, 'runs', 1, 1000);
  const source = o.trace ?? DEFAULT_TRACE;
  const name = typeof source === 'string' ? source : 'bundled real-python.jsonl.gz';
  const records = readTraceFile(source);
  const opCount = records.reduce((n, r) => n + (r.kind === 'op' ? 1 : 0), 0);
  const showBar =
    !o.json && (o.progress === true || (o.progress === undefined && io.isTTY && opCount >= PROGRESS_FROM));
  let bar: cliProgress.SingleBar | undefined;
  if (showBar) {
    bar = new cliProgress.SingleBar(
      {
        format: 'replaying {backend} [{bar}] {percentage}% | {value}/{total} ops',
        stream: io.progressStream ?? process.stderr,
        noTTYOutput: !io.isTTY,
        notTTYSchedule: 500,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(opCount * 2, 0, { backend: 'maple' });
  }
  let report: ReturnType<typeof buildReport>;
  try {
    report = buildReport(name, records, {
      runs,
      onProgress: bar
        ? (done, total, backend) => bar!.update(done + (backend === 'legacy' ? total : 0), { backend })
        : undefined,
      onTiming: bar
        ? () => {
            bar!.stop();
            bar = undefined;
            io.err('timing both backends (alternating whole-trace replays)...\n');
          }
        : undefined,
    });
  } catch (e) {
    // A trace that parses as JSONL but holds calls or layouts that cannot be replayed.
    if (e instanceof TraceFormatError || e instanceof SyntaxError || e instanceof RangeError) {
      throw new InputError(`${name}: cannot replay: ${e.message}`);
    }
    throw e;
  } finally {
    bar?.stop();
  }
  if (o.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
  else io.out(`${formatReport(report).join('\n')}\n`);
  return 0;
}

/**
 * Runs the CLI.
 * @param argv - the arguments after the program name
 * @returns 0 on success, 2 for a problem with the input, 1 for an internal error, 'serving' while --serve runs
 */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number | 'serving'> {
  try {
    // `pnpm demo -- --json` passes the separator through
    return await main(argv[0] === '--' ? argv.slice(1) : argv, io);
  } catch (e) {
    if (e instanceof InputError) {
      io.err(`demo: ${e.message}\n`);
      return 2;
    }
    io.err(`demo: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

if (process.argv[1] && /[\\/]cli[\\/]main\.[cm]?[tj]s$/.test(process.argv[1])) {
  runCli(process.argv.slice(2)).then((code) => {
    if (code !== 'serving') process.exitCode = code;
  });
}
