/**
 * Reading a vmtrace/1 file from disk for the CLI: plain or gzipped JSONL,
 * told apart by the gzip magic bytes (not the name). Every problem a user
 * can fix becomes a {@link InputError} with a one-line message.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseTrace, TraceFormatError, type TraceRecord } from '@maple-tree/vma-mm';

/** A problem with the user's input or arguments: printed as one line, exit code 2. */
export class InputError extends Error {}

/** The bundled trace the demo replays by default: python3 starting up, recorded on Linux 6.18. */
export const DEFAULT_TRACE = new URL(
  '../../../../packages/vma-mm/fixtures/traces/real-python.jsonl.gz',
  import.meta.url,
);

/**
 * Reads and parses a trace file.
 * @throws InputError for a missing/unreadable file, bad gzip data or a malformed trace
 */
export function readTraceFile(path: string | URL): TraceRecord[] {
  const name = typeof path === 'string' ? path : decodeURIComponent(path.pathname.split('/').pop() ?? '');
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? String(e));
    throw new InputError(`cannot read ${name}: ${why}`);
  }
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) {
    try {
      data = gunzipSync(data);
    } catch {
      throw new InputError(`${name}: not a valid gzip file`);
    }
  }
  let records: TraceRecord[];
  try {
    records = parseTrace(data.toString('utf8'));
  } catch (e) {
    if (e instanceof TraceFormatError) throw new InputError(`${name}: not a vmtrace/1 file: ${e.message}`);
    throw e;
  }
  if (!records.some((r) => r.kind === 'maps' && r.at === 0)) {
    throw new InputError(`${name}: not a vmtrace/1 file: no starting layout (maps at:0)`);
  }
  return records;
}
