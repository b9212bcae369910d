// The CLI: the default run, --json, --trace on fixtures, and bad input (one
// line on stderr, exit 2, no stack trace). Reported numbers are checked
// against vma-mm's replayTrace run here, not against constants.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { replayTrace } from '@maple-tree/vma-mm';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import type { Served } from '../src/cli/serve.js';
import type { DemoReport } from '../src/model/replay-report.js';
import { loadTrace, TRACES } from './helpers.js';

async function run(argv: string[], isTTY = false) {
  let out = '';
  let err = '';
  let progress = '';
  const progressStream = new Writable({
    write(chunk, _enc, done) {
      progress += String(chunk);
      done();
    },
  });
  const code = await runCli(argv, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    isTTY,
    progressStream,
  });
  return { code, out, err, progress };
}

const trace = (name: string) => fileURLToPath(new URL(`${name}.jsonl.gz`, TRACES));

describe('demo CLI', () => {
  it('by default replays the bundled python trace on both backends and prints verdict, maps, shape, timings', async () => {
    const r = await run(['--runs', '1']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const lib = replayTrace(loadTrace('real-python'));
    const legacy = replayTrace(loadTrace('real-python'), { backend: 'legacy' });
    expect(r.out).toContain(`answers ${lib.answersMatched}/${lib.answered} matched`);
    expect(r.out).toMatch(new RegExp(`maple +answers ${lib.answersMatched}/${lib.answered}`));
    expect(r.out).toMatch(new RegExp(`legacy +answers ${legacy.answersMatched}/${legacy.answered}`));
    expect(r.out).toContain("final maps: identical to the kernel's");
    for (const line of lib.mm.procMaps().trimEnd().split('\n')) expect(r.out).toContain(`  ${line}\n`);
    expect(r.out).toMatch(/level 0 +arange_64 +1 node/);
    expect(r.out).toMatch(/level 1 +leaf_64/);
    expect(r.out).toMatch(/^ {2}stores by case: (\w+ \d+)(, \w+ \d+)*$/m);
    expect(r.out).toMatch(/^ {2}gap searches: \d+, \d+\.\d nodes entered on average$/m);
    expect(r.out).toMatch(/^ {2}maple +\d+\.\d\d +\d+\.\d\d +1$/m);
    expect(r.out).toMatch(/^ {2}legacy +\d+\.\d\d +\d+\.\d\d +1$/m);
    expect(r.progress).toBe(''); // short trace, not a terminal: no bar
  });

  it('--json gives the same facts as data', async () => {
    const r = await run(['--json', '--runs', '2', '--trace', trace('real-perl')]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as DemoReport;
    const lib = replayTrace(loadTrace('real-perl'));
    expect(report.program).toBe('perl');
    expect(report.origin).toBe('real');
    expect(report.ops).toBe(lib.ops);
    expect(report.backends.map((b) => b.backend)).toEqual(['maple', 'legacy']);
    for (const b of report.backends) {
      expect(b.tally).toMatchObject({ answered: lib.answered, answersMatched: lib.answersMatched });
      expect(b.runs).toBe(2);
      expect(b.medianMs).toBeGreaterThan(0);
    }
    expect(report.maps).toEqual(lib.mm.procMaps().trimEnd().split('\n'));
    // perl's final maps differ where page faults (not in the log) kept two anonymous VMAs apart
    const final = report.backends[0]!.final!;
    expect(final.identical).toBe(lib.snapshotMismatches.length === 0);
    expect(final.firstDifference?.ours).toBe(
      lib.snapshotMismatches.at(-1)!.actual.find((l) => !lib.snapshotMismatches.at(-1)!.expected.includes(l)),
    );
    expect(report.backendsAgree).toBe(true);
    expect(report.shape!.entries).toBe(lib.mm.mapCount);
    expect(Object.values(report.activity!.stores).reduce((x, y) => x + y, 0)).toBeGreaterThan(0);
  });

  it('--trace takes a plain .jsonl file and shows a progress bar when asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-cli-'));
    const plain = join(dir, 'mixed.jsonl');
    const records = loadTrace('synth-mixed-2');
    writeFileSync(plain, `${records.map((x) => JSON.stringify(x)).join('\n')}\n`);
    const r = await run(['--trace', plain, '--runs', '1', '--progress']);
    expect(r.code).toBe(0);
    const lib = replayTrace(records);
    expect(r.out).toContain(`(mixed on x86_64`);
    expect(r.out).toContain(`answers ${lib.answersMatched}/${lib.answered} matched`);
    expect(r.out).toContain(`maps snapshots ${lib.snapshotsMatched}/${lib.snapshots} identical`);
    expect(r.progress).toMatch(/replaying (maple|legacy) \[/);
    expect(r.progress).toContain(`/${2 * lib.ops} ops`);
    expect(r.err).toBe('timing both backends (alternating whole-trace replays)...\n');
  });

  it('bad input: one line on stderr, exit 2, nothing on stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-cli-'));
    const notJson = join(dir, 'bad.jsonl');
    writeFileSync(notJson, 'this is not json\n');
    const badGzip = join(dir, 'bad.jsonl.gz');
    writeFileSync(badGzip, Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    const noHeader = join(dir, 'noheader.jsonl.gz');
    writeFileSync(noHeader, gzipSync('{"kind":"op","i":1,"op":"brk","addr":"0x0","ret":"0x0"}\n'));
    const python = loadTrace('real-python');
    const withLine = (name: string, edit: (r: Record<string, unknown>) => boolean) => {
      const path = join(dir, name);
      let done = false;
      const lines = python.map((r) => {
        const copy = JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
        if (!done) done = edit(copy);
        return JSON.stringify(copy);
      });
      writeFileSync(path, `${lines.join('\n')}\n`);
      return path;
    };
    const badFlag = withLine('badflag.jsonl', (r) => {
      if (r.kind !== 'op' || r.op !== 'mmap') return false;
      r.flags = ['PRIVATE', 'SIDEWAYS'];
      return true;
    });
    const badMaps = withLine('badmaps.jsonl', (r) => {
      if (r.kind !== 'maps') return false;
      (r.lines as string[])[0] = '00400000-00300000 r--p 00000000 fe:00 1 /backwards';
      return true;
    });
    const cases: [string[], RegExp][] = [
      [
        ['--trace', badFlag],
        /^demo: .*badflag\.jsonl: cannot replay: line \d+: unknown mmap flag "SIDEWAYS"$/,
      ],
      [['--trace', badMaps], /^demo: .*badmaps\.jsonl: cannot replay: .*00400000-00300000/],
      [['--trace', join(dir, 'missing.jsonl')], /^demo: cannot read .*missing\.jsonl: no such file$/],
      [['--trace', dir], /^demo: cannot read .*: is a directory$/],
      [['--trace', notJson], /^demo: .*bad\.jsonl: not a vmtrace\/1 file: line 1: not a JSON object$/],
      [['--trace', badGzip], /^demo: .*bad\.jsonl\.gz: not a valid gzip file$/],
      [
        ['--trace', noHeader],
        /^demo: .*: not a vmtrace\/1 file: line 1: the first record must be the header$/,
      ],
      [['--bogus'], /^demo: Unknown option `--bogus` \(see --help\)$/],
      [['--runs', 'many'], /^demo: --runs must be an integer from 1 to 1000, got many$/],
      [['stray'], /^demo: Unused args: `stray` \(see --help\)$/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
      expect(r.err.trimEnd()).toMatch(message);
    }
  });

  it('--serve starts the visualiser on 127.0.0.1 and prints its URL', async () => {
    let served: Served | undefined;
    let out = '';
    const code = await runCli(['--serve', '--port', '0'], {
      out: (t) => (out += t),
      err: (t) => (out += t),
      isTTY: false,
      onServe: (s) => (served = s),
    });
    try {
      expect(code).toBe('serving');
      expect(served).toBeDefined();
      expect(out).toBe(`maple-tree visualiser: ${served!.url}\n(press Ctrl-C to stop)\n`);
      expect(served!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const html = await (await fetch(served!.url)).text();
      expect(html).toContain('http-equiv="Content-Security-Policy"');
      expect(html).toContain('<div id="map">');
      const entry = await fetch(new URL('main.ts', served!.url));
      expect(entry.status).toBe(200);
      expect(await entry.text()).toContain('new Session(');
    } finally {
      await served?.close();
    }
  });

  it('the launcher (pnpm demo) explains every option with --help and exits non-zero on a missing file', () => {
    const bin = fileURLToPath(new URL('../bin/demo.mjs', import.meta.url));
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const option of [
      '--trace <file>',
      '--json',
      '--runs <n>',
      '--progress',
      '--serve',
      '--port <port>',
    ]) {
      expect(help.stdout).toContain(option);
    }
    const missing = spawnSync(process.execPath, [bin, '--trace', '/nonexistent/x.jsonl.gz'], {
      encoding: 'utf8',
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('demo: cannot read /nonexistent/x.jsonl.gz: no such file\n');
  });
});
