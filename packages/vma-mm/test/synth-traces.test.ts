// Every synthetic trace (64-bit top-down, legacy bottom-up, ia32 compat) must replay with the kernel's exact
// answers and /proc/self/maps, on both VMA index backends.
import { describe, expect, it } from 'vitest';
import { type BackendName, replayTrace } from '../src/index.js';
import { explainMismatches, loadTrace } from './fixtures.js';

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
      expect(r.answersMatched, explainMismatches(r)).toBe(r.ops);
      expect(r.snapshotsMatched, explainMismatches(r)).toBe(r.snapshots);
      expect(r.snapshots).toBe(recs.filter((x) => x.kind === 'maps').length);
      r.mm.validate();
    },
    60_000,
  );
});
