// Test helper: read a recorded trace from the repository's fixtures.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseTrace, type TraceRecord } from '../src/index.js';

/** Directory of the recorded traces. */
export const TRACE_DIR = new URL('../fixtures/traces/', import.meta.url);

const cache = new Map<string, TraceRecord[]>();

/** Parsed records of fixtures/traces/<name>.jsonl.gz (cached per test file). */
export function loadTrace(name: string): TraceRecord[] {
  let recs = cache.get(name);
  if (!recs) {
    recs = parseTrace(gunzipSync(readFileSync(new URL(`${name}.jsonl.gz`, TRACE_DIR))).toString('utf8'));
    cache.set(name, recs);
  }
  return recs;
}
