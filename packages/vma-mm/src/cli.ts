#!/usr/bin/env node
/**
 * The vma-mm command line (the package's bin):
 *
 *   vma-mm replay TRACE.jsonl[.gz] [--emit OUT.jsonl] [--backend maple|legacy] [--json]
 *
 * Replays a recorded vmtrace/1 history, prints a summary (ops, answers
 * matched, snapshots matched, time) and exits 0 when the replay ran, whether
 * or not everything matched. A missing or malformed file or bad usage gets a
 * one-line message on stderr and a non-zero exit, never a stack trace.
 * The only module of the package that touches Node APIs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { BackendName } from './backend/types.js';
import { defaultBackend } from './mm.js';
import { replayTrace } from './replayer.js';
import { parseTrace, TraceFormatError } from './trace.js';

const USAGE = 'usage: vma-mm replay TRACE.jsonl[.gz] [--emit OUT.jsonl] [--backend maple|legacy] [--json]';

/** Thrown for a problem the user can fix; printed as one line. */
class UsageError extends Error {}

interface Args {
  trace: string;
  emit?: string;
  backend: BackendName;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  if (argv[0] !== 'replay')
    throw new UsageError(argv.length ? `unknown command "${argv[0]}" (${USAGE})` : USAGE);
  let trace: string | undefined;
  let emit: string | undefined;
  let backend: BackendName = defaultBackend();
  let json = false;
  for (let k = 1; k < argv.length; k++) {
    const a = argv[k]!;
    if (a === '--emit' || a === '--backend') {
      const v = argv[++k];
      if (v === undefined) throw new UsageError(`${a} needs a value (${USAGE})`);
      if (a === '--emit') emit = v;
      else if (v === 'maple' || v === 'legacy') backend = v;
      else throw new UsageError(`unknown backend "${v}" (maple or legacy)`);
    } else if (a === '--json') json = true;
    else if (a.startsWith('--')) throw new UsageError(`unknown option ${a} (${USAGE})`);
    else if (trace === undefined) trace = a;
    else throw new UsageError(`unexpected argument "${a}" (${USAGE})`);
  }
  if (trace === undefined) throw new UsageError(USAGE);
  return { trace, emit, backend, json };
}

function readTrace(path: string): string {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(e))}`);
  }
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) {
    try {
      data = gunzipSync(data);
    } catch {
      throw new UsageError(`${path}: not a valid gzip file`);
    }
  }
  return data.toString('utf8');
}

/** Where the CLI writes (stdout, stderr); tests pass their own. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

function main(argv: string[], io: CliIo): number {
  const args = parseArgs(argv);
  const records = parseTrace(readTrace(args.trace));
  const r = replayTrace(records, { backend: args.backend, emit: args.emit !== undefined });
  if (args.emit !== undefined) {
    try {
      writeFileSync(args.emit, r.emitted!.length ? `${r.emitted!.join('\n')}\n` : '');
    } catch (e) {
      throw new UsageError(`cannot write ${args.emit}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  const summary = {
    trace: args.trace,
    backend: args.backend,
    ops: r.ops,
    answered: r.answered,
    answersMatched: r.answersMatched,
    snapshots: r.snapshots,
    snapshotsMatched: r.snapshotsMatched,
    timeMs: Math.round(r.timeMs * 10) / 10,
    firstAnswerMismatch: r.answerMismatches[0] ?? null,
    firstSnapshotMismatch: r.snapshotMismatches[0]?.at ?? null,
  };
  if (args.json) io.out(`${JSON.stringify(summary)}\n`);
  else {
    io.out(
      `${args.trace} (${args.backend}): ops ${r.ops}, answers matched ${r.answersMatched}/${r.answered}, ` +
        `snapshots matched ${r.snapshotsMatched}/${r.snapshots}, time ${summary.timeMs} ms\n`,
    );
  }
  return 0;
}

/**
 * Run the CLI.
 * @param argv - arguments after the program name
 * @param io - output sinks
 * @returns the exit code: 0 when the replay ran, 2 for usage or input errors, 1 for internal errors
 */
export function runCli(argv: string[], io: CliIo = processIo): number {
  try {
    return main(argv, io);
  } catch (e) {
    if (
      e instanceof UsageError ||
      e instanceof TraceFormatError ||
      e instanceof SyntaxError ||
      e instanceof RangeError
    ) {
      io.err(`vma-mm: ${e.message.split('\n')[0]}\n`);
      return 2;
    }
    io.err(`vma-mm: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

// Run when executed as the bin (not when imported by tests).
if (typeof process !== 'undefined' && /vma-mm$|cli\.c?js$/.test(process.argv[1] ?? '')) {
  process.exitCode = runCli(process.argv.slice(2));
}
