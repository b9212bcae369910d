// Every synthetic trace (64-bit top-down, legacy bottom-up, ia32 compat) must replay with the kernel's exact
// answers and /proc/self/maps, on both VMA index backends.
import { describe, expect, it } from 'vitest';
import { type BackendName, diffMaps, replayTrace } from '../src/index.js';
import { loadTrace } from './fixtures.js';

const TRACES = [
  'synth-mixed-1',
  'synth-mixed-2',
  'synth-extra-51',
  'synth-extra-54',
  'synth-many-3',
  'synth-limit-8',
  'synth-legacy-32',
  'synth-i386-31',
];
const BACKENDS: BackendName[] = ['maple', 'legacy'];

function explain(r: ReturnType<typeof replayTrace>): string {
  const a = r.answerMismatches[0];
  const s = r.snapshotMismatches[0];
  const parts: string[] = [];
  if (a) parts.push(`first answer mismatch: op ${a.i} ${a.op} expected ${a.expected} got ${a.actual}`);
  if (s) {
    const d = diffMaps(s.expected, s.actual);
    parts.push(`snapshot at ${s.at}: missing ${d.missing.join(' | ')}; extra ${d.extra.join(' | ')}`);
  }
  return parts.join('\n');
}

describe.each(BACKENDS)('synthetic traces on the %s backend', (backend) => {
  it('keeps every index invariant after every op (synth-extra-54, validated op by op)', () => {
    const r = replayTrace(loadTrace('synth-extra-54'), { backend, validate: true });
    expect(r.answersMatched).toBe(r.ops);
  }, 60_000);

  it.each(TRACES)(
    '%s replays exactly',
    (name) => {
      const records = loadTrace(name);
      const recs = records;
      const r = replayTrace(recs, { backend });
      expect(r.ops).toBe(records.filter((x) => x.kind === 'op').length);
      expect(r.answersMatched, explain(r)).toBe(r.ops);
      expect(r.snapshotsMatched, explain(r)).toBe(r.snapshots);
      expect(r.snapshots).toBe(recs.filter((x) => x.kind === 'maps').length);
      r.mm.validate();
    },
    60_000,
  );
});
