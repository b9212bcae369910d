// The vma-mm CLI: replay summary, --emit lines in input order, clear one-line errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { TRACE_DIR } from './fixtures.js';

function run(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const trace = fileURLToPath(new URL('real-python.jsonl.gz', TRACE_DIR));

describe('vma-mm replay', () => {
  it('prints a summary and emits one line per op and per maps record', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vma-mm-'));
    const emit = join(dir, 'out.jsonl');
    const r = run(['replay', trace, '--emit', emit, '--backend', 'legacy', '--json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out);
    expect(summary).toMatchObject({
      ops: 397,
      answersMatched: 397,
      snapshots: 2,
      snapshotsMatched: 2,
      backend: 'legacy',
    });
    const lines = readFileSync(emit, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(397 + 2);
    expect(lines[0]).toHaveProperty('at', 0);
    expect(lines[1]).toEqual({ i: 1, ret: expect.stringMatching(/^0x[0-9a-f]+$/) });
    expect(lines.at(-1)).toHaveProperty('at', 397);
  });

  it('exits non-zero with one line for missing files, bad input and bad usage', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vma-mm-'));
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"kind":"op"}\n');
    for (const argv of [
      ['replay', join(dir, 'nope.jsonl')],
      ['replay', bad],
      ['frobnicate'],
      ['replay', trace, '--backend', 'x'],
    ]) {
      const r = run(argv);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^vma-mm: [^\n]+\n$/); // exactly one line
      expect(r.err).not.toMatch(/\bat .*\(/); // no stack trace
    }
  });

  it('runs as the package bin, built or not (bin/vma-mm.js falls back to the sources)', () => {
    const bin = fileURLToPath(new URL('../bin/vma-mm.js', import.meta.url));
    const ok = spawnSync(process.execPath, [bin, 'replay', trace, '--json'], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ops: 397, answersMatched: 397, backend: 'maple' });
    const bad = spawnSync(process.execPath, [bin, 'replay'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^vma-mm: usage: [^\n]+\n$/);
  });
});
