// Test helpers: the repository's recorded traces, and a trace cut after op N.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseTrace, type TraceRecord } from '@maple-tree/vma-mm';

/** The vma-mm fixtures directory (the repository's copies of the recorded traces). */
export const TRACES = new URL('../../../packages/vma-mm/fixtures/traces/', import.meta.url);

const cache = new Map<string, TraceRecord[]>();

/** Parsed records of a fixture trace, by base name (`real-python`). */
export function loadTrace(name: string): TraceRecord[] {
  let r = cache.get(name);
  if (!r) {
    r = parseTrace(gunzipSync(readFileSync(new URL(`${name}.jsonl.gz`, TRACES))).toString('utf8'));
    cache.set(name, r);
  }
  return r;
}

/** The records up to op `n` and the open/maps records that follow it (what a replay to op n sees). */
export function cutAfterOp(records: readonly TraceRecord[], n: number): TraceRecord[] {
  let ops = 0;
  for (let k = 0; k < records.length; k++) {
    if (records[k]!.kind === 'op' && ops++ === n) return records.slice(0, k);
  }
  return records.slice();
}
