// End to end, in real headless Chromium: the built site replays the bundled
// python trace to op N and shows exactly the /proc/PID/maps and tree that
// @maple-tree/vma-mm gives for op N; a typed mmap updates the map, the tree
// and the maps like the same call on the library; typed markup stays text;
// the benchmark page plots both backends. A screenshot is saved.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AddressSpace, MAP, PROT, replayTrace } from '@maple-tree/vma-mm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Console } from '../src/model/commands.js';
import { mapleTreeOf } from '../src/model/layout.js';
import { versionedMmTree } from '../src/model/tree-snapshots.js';
import { readTree } from '../src/model/tree-view.js';
import { buildAndServe, launchChromium, type ServedSite } from './browser.js';
import { cutAfterOp, loadTrace } from './helpers.js';

const SHOTS = new URL('../screenshots/', import.meta.url);

let site: ServedSite;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  site = await buildAndServe();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content.Security.Policy/i.test(m.text()))
      problems.push(`console: ${m.text()}`);
  });
  await page.goto(site.url);
  await page.waitForSelector('body[data-ready=true]', { timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

const mapsShown = () => page.$$eval('#maps .maps-line', (rows) => rows.map((r) => r.textContent));

async function goToOp(n: number): Promise<void> {
  await page.fill('#op-input', String(n));
  await page.press('#op-input', 'Enter');
  await page.waitForFunction(
    (want) => document.getElementById('position')?.textContent?.startsWith(`${want} /`),
    n,
  );
}

/** The answer the library gives for op n (replaying the trace up to it). */
function libraryAnswerOf(n: number): number {
  const r = replayTrace(cutAfterOp(loadTrace('real-python'), n), { emit: true });
  const line = r.emitted!.filter((l) => l.startsWith(`{"i":${n},`))[0]!;
  return Number(BigInt((JSON.parse(line) as { ret: string }).ret));
}

/** The library's address space after op n, on a versioned tree as the page's is (same node handles). */
function libraryAt(n: number): AddressSpace {
  return replayTrace(cutAfterOp(loadTrace('real-python'), n), { mapleTree: versionedMmTree }).mm;
}

describe('visualiser in Chromium', () => {
  it('is served with a Content-Security-Policy and no inline script', async () => {
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    const inline = await page.$$eval('script', (s) => s.filter((x) => !x.getAttribute('src')).length);
    expect(inline).toBe(0);
  });

  it('replays to op N and shows the maps and tree the library gives for op N', async () => {
    const ops = replayTrace(loadTrace('real-python')).ops;
    expect(await page.textContent('#position')).toBe(`0 / ${ops}`);
    expect(await mapsShown()).toEqual(libraryAt(0).procMaps().trimEnd().split('\n'));
    for (const n of [250, 120, 397]) {
      await goToOp(n);
      const mm = libraryAt(n);
      expect(await mapsShown(), `maps at op ${n}`).toEqual(mm.procMaps().trimEnd().split('\n'));
      const tree = mapleTreeOf(mm)!;
      expect(Number(await page.getAttribute('#tree-svg', 'data-nodes'))).toBe(tree.nodeCount);
      expect(await page.$$eval('#tree-svg g.node', (g) => g.length)).toBe(tree.nodeCount);
      expect(Number(await page.getAttribute('#map-svg', 'data-regions'))).toBe(mm.mapCount);
    }
    // scrub with the slider
    await page.fill('#op-slider', '60');
    await page.waitForFunction(() => document.getElementById('position')?.textContent?.startsWith('60 /'));
    expect(await mapsShown()).toEqual(libraryAt(60).procMaps().trimEnd().split('\n'));
    // play, then pause: the maps shown are the library's at whatever op it stopped
    // (one op a frame, so a loaded machine cannot reach the end of the trace before the pause)
    await page.selectOption('#speed', '1');
    await page.click('#play');
    await page.waitForFunction(
      () => Number(document.getElementById('position')?.textContent?.split(' ')[0]) > 80,
    );
    await page.click('#play');
    const stopped = Number((await page.textContent('#position'))!.split(' ')[0]);
    expect(await page.textContent('#play')).toBe('play');
    expect(await mapsShown()).toEqual(libraryAt(stopped).procMaps().trimEnd().split('\n'));
    await goToOp(250);
    await page.click('#step');
    await page.waitForFunction(() => document.getElementById('position')?.textContent?.startsWith('251 /'));
    expect(await page.textContent('#step-status')).toMatch(/^op 251: \w+\(/);
    expect(await mapsShown()).toEqual(libraryAt(251).procMaps().trimEnd().split('\n'));
    // the walk to the op's address is outlined from the root down to one leaf
    const hot = await page.$$eval('#tree-svg g.node.hot', (g) => g.map((x) => x.getAttribute('class')));
    expect(hot).toHaveLength(mapleTreeOf(libraryAt(251))!.height);
    expect(hot.at(-1)).toContain('leaf_64');
    // the node panel lists that leaf's pivots and slots exactly as the tree stores them
    const view = readTree(mapleTreeOf(libraryAt(251))!);
    const leafHandle = Number(await page.getAttribute('#tree-svg g.node.hot.leaf_64', 'data-handle'));
    const leaf = view.levels.at(-1)!.find((n) => n.handle === leafHandle)!;
    const detail = (await page.textContent('#node-detail'))!.split('\n');
    expect(detail[0]).toBe(`#${leafHandle} leaf_64, depth ${view.height - 1}`);
    expect(detail).toContain(
      `pivots (page numbers, as stored): ${leaf.pivots.map((p) => `0x${p.toString(16)}`).join(' ')}`,
    );
    expect(detail.filter((l) => /^ *\d+ 0x/.test(l))).toHaveLength(leaf.slots.length);
  });

  it('zooms the map with the wheel, switches scales, and jumps to the mmap area', async () => {
    const label = async () => (await page.textContent('#map-controls .status'))!;
    const span = (text: string) => {
      const [lo, hi] = text
        .split(' (')[0]!
        .split(' - ')
        .map((h) => Number(BigInt(h)));
      return hi! - lo!;
    };
    await page.click('#map-reset');
    const whole = await label();
    expect(whole).toMatch(/^0x0 - 0x7ffffffff000 \(128\.0 TiB\)/);
    const box = (await (await page.$('#map-svg'))!.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
    for (let k = 0; k < 5; k++) await page.mouse.wheel(0, -100);
    await page.waitForFunction(
      (w) => document.querySelector('#map-controls .status')?.textContent !== w,
      whole,
    );
    expect(span(await label())).toBeLessThan(span(whole));
    await page.click('#map-scale');
    expect(await page.textContent('#map-scale')).toBe('scale: linear');
    expect(await label()).toBe(whole); // a scale switch shows the whole space again
    await page.click('#map-mmap-area');
    const mm = libraryAt(Number((await page.textContent('#position'))!.split(' ')[0]));
    const firstHigh = [...mm.vmas()].find((v) => v.start >= 2 ** 32)!.start;
    const zoomed = await label();
    expect(span(zoomed)).toBeLessThan((0x7ffffffff000 - firstHigh) * 1.05);
    const inView = Number(/, (\d+) of \d+ VMAs in view$/.exec(zoomed)![1]);
    expect(inView).toBe([...mm.vmas()].filter((v) => v.start >= 2 ** 32).length);
    await page.click('#map-scale');
    expect(await page.textContent('#map-scale')).toBe('scale: log');
  });

  it('numbers the nodes the gap search of a kernel-placed mmap entered, from the trace hook', async () => {
    const records = loadTrace('real-python');
    const ops = records.filter(
      (r) =>
        r.kind === 'op' && r.op === 'mmap' && r.addr === '0x0' && !(r.flags as string[]).includes('FIXED'),
    ) as { i: number }[];
    const n = ops[10]!.i;
    await goToOp(n);
    const log = (await page.textContent('#trace-log'))!.split('\n');
    const search = log.find((l) => l.startsWith('ma_op mas_empty_area_rev'))!;
    const answer = libraryAnswerOf(n);
    expect(search).toMatch(new RegExp(`found \\[0x${answer.toString(16)}, `));
    const entered = search
      .split('entered ')[1]!
      .split(' > ')
      .map((h) => Number(h.slice(1)));
    const numbered = await page.$$eval('#tree-svg g.node.searched', (g) =>
      g.map(
        (x) =>
          [Number(x.getAttribute('data-handle')), x.querySelector('.search-order')!.textContent!] as const,
      ),
    );
    // every node still in the tree that the search entered carries its visit numbers
    for (const [handle, order] of numbered) {
      const visits = entered.flatMap((h, k) => (h === handle ? [k + 1] : []));
      expect(order).toBe(visits.join(','));
    }
    expect(numbered.length).toBeGreaterThan(0);
    expect(await page.textContent('#tree-summary')).toContain('mas_empty_area_rev entered');
  });

  it('a typed mmap updates the map, the tree and the maps like the same call on the library', async () => {
    await goToOp(300);
    const mm = libraryAt(300);
    const want = mm.mmap(0, 0x40000, PROT.READ | PROT.WRITE, MAP.PRIVATE | MAP.ANONYMOUS);
    await page.fill('#console-input', 'mmap 0 0x40000 rw- private,anon');
    await page.press('#console-input', 'Enter');
    const answer = `mmap 0 0x40000 rw- private,anon = 0x${want.toString(16)}`;
    await page.waitForFunction(
      (a) => document.getElementById('console-history')?.textContent?.includes(a),
      answer,
    );
    expect(await mapsShown()).toEqual(mm.procMaps().trimEnd().split('\n'));
    expect(Number(await page.getAttribute('#map-svg', 'data-regions'))).toBe(mm.mapCount);
    expect(Number(await page.getAttribute('#tree-svg', 'data-nodes'))).toBe(mapleTreeOf(mm)!.nodeCount);
    expect(await page.getAttribute('#map-svg rect.vma.focused', 'data-start')).toBe(`0x${want.toString(16)}`);
    expect(await page.textContent('#maps .maps-line.focused')).toBe(
      mm
        .procMaps()
        .split('\n')
        .find((l) => l.startsWith(want.toString(16))),
    );
    // a VMA's tooltip is its maps line (hover the widest one on the map)
    const widest = await page.$$eval('#map-svg rect.vma', (found) => {
      const rects = found as unknown as SVGRectElement[];
      const r = rects.reduce((a, b) => (a.getBBox().width >= b.getBBox().width ? a : b));
      const box = r.getBoundingClientRect();
      return { start: r.getAttribute('data-start')!, x: box.x + box.width / 2, y: box.y + box.height / 2 };
    });
    await page.mouse.move(widest.x, widest.y);
    await page.waitForSelector('.tooltip:not(.hidden)');
    const startHex = widest.start.slice(2).padStart(8, '0');
    expect((await page.textContent('.tooltip'))?.split('\n')[0]).toBe(
      mm
        .procMaps()
        .split('\n')
        .find((l) => l.startsWith(`${startHex}-`)),
    );
    // a failing call answers with the errno and changes nothing
    await page.fill('#console-input', `munmap 0x${(want + 1).toString(16)} 4k`);
    await page.press('#console-input', 'Enter');
    await page.waitForFunction(() =>
      document.getElementById('console-history')?.textContent?.includes('= -EINVAL'),
    );
    expect(await mapsShown()).toEqual(mm.procMaps().trimEnd().split('\n'));
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: fileURLToPath(new URL('e2e-explore.png', SHOTS)), fullPage: true });
  });

  it('shows typed markup as text, never as HTML', async () => {
    const evil = '<img src=x id=injected onerror=alert(1)>';
    await page.fill('#console-input', evil);
    await page.press('#console-input', 'Enter');
    await page.waitForFunction(() =>
      document.getElementById('console-history')?.textContent?.includes('unknown command'),
    );
    expect(await page.$('#injected')).toBeNull();
    // up-arrow recalls the lines typed before
    await page.press('#console-input', 'ArrowUp');
    expect(await page.inputValue('#console-input')).toBe(evil);
    await page.press('#console-input', 'ArrowUp');
    expect(await page.inputValue('#console-input')).toMatch(/^munmap 0x/);
    expect(await page.$$eval('#console-history li', (li) => li.map((x) => x.textContent))).toContain(
      `> ${evil}`,
    );
  });

  it('pins a snapshot (@maple-tree/rcu), replays on, and compares', async () => {
    await page.selectOption('#trace-select', 'real-python');
    await page.waitForFunction(() => document.getElementById('position')?.textContent?.startsWith('0 /'));
    await goToOp(100);
    await page.click('#snap-pin');
    // on to the last kernel-placed mmap: its gap search is numbered in the tree too
    const lastPlaced = (
      loadTrace('real-python').filter(
        (r) =>
          r.kind === 'op' && r.op === 'mmap' && r.addr === '0x0' && !(r.flags as string[]).includes('FIXED'),
      ) as { i: number }[]
    ).at(-1)!.i;
    expect(lastPlaced).toBeGreaterThan(100);
    await goToOp(lastPlaced);
    const status = (await page.textContent('#snap-status'))!;
    expect(status).toMatch(/pinned version \d+ \(after op 100\)/);
    const held = Number(/(\d+) retired nodes held back/.exec(status)![1]);
    expect(held).toBeGreaterThan(0);
    const before = libraryAt(100).procMaps().trimEnd().split('\n').slice(0, -1); // [vsyscall]: not in the tree
    const after = libraryAt(lastPlaced).procMaps().trimEnd().split('\n').slice(0, -1);
    const shown = await page.$$eval('#snap-diff li', (li) => li.map((x) => x.textContent!));
    expect(new Set(shown.filter((l) => l.startsWith('+ ')).map((l) => l.slice(2)))).toEqual(
      new Set(after.filter((l) => !before.includes(l))),
    );
    expect(new Set(shown.filter((l) => l.startsWith('- ')).map((l) => l.slice(2)))).toEqual(
      new Set(before.filter((l) => !after.includes(l))),
    );
    expect(await page.$$eval('#tree-svg g.node.searched', (g) => g.length)).toBeGreaterThan(0);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: fileURLToPath(new URL('e2e-snapshot.png', SHOTS)), fullPage: true });
    await page.click('#snap-release');
    expect(await page.textContent('#snap-status')).toContain(`released: ${held} retired nodes reclaimed`);
    expect(await page.$$eval('#snap-diff li', (li) => li.length)).toBe(0);
  });

  it('starts an empty address space for the console alone', async () => {
    await page.selectOption('#trace-select', '');
    await page.waitForFunction(() => document.getElementById('position')?.textContent === '0 / 0');
    expect(await page.isDisabled('#play')).toBe(true);
    expect(await mapsShown()).toEqual([]);
    expect(await page.$('#tree-svg')).toBeNull();
    await page.fill('#console-input', 'mmap 0x10000 64k r-x private /usr/lib/libdemo.so');
    await page.press('#console-input', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('#maps .maps-line').length === 1);
    const mine = new Console(new AddressSpace({ arch: 'x86_64' }));
    expect(mine.run('mmap 0x10000 64k r-x private /usr/lib/libdemo.so').answer).toBe(0x10000);
    expect(await mapsShown()).toEqual(mine.mm.procMaps().trimEnd().split('\n'));
    expect((await mapsShown())[0]).toMatch(
      /^00010000-00020000 r-xp 00000000 08:01 \d+ +\/usr\/lib\/libdemo\.so$/,
    );
    expect(await page.getAttribute('#map-svg rect.vma', 'class')).toContain('kind-file');
    expect(await page.getAttribute('#tree-svg', 'data-nodes')).toBe('1');
  });

  it('runs the benchmark page on both backends and plots it', async () => {
    await page.click('#tab-bench');
    await page.click('#bench-run');
    await page.waitForSelector('#bench-status[data-done=true]', { timeout: 45_000 });
    const bars = await page.$$eval('#bench-svg rect.bench-bar', (r) => r.map((x) => x.getAttribute('class')));
    expect(bars.filter((c) => c?.includes('maple'))).toHaveLength(4);
    expect(bars.filter((c) => c?.includes('legacy'))).toHaveLength(4);
    const rows = await page.$$eval('#bench-table tr', (r) =>
      r.map((x) => [...x.children].map((c) => c.textContent)),
    );
    expect(rows[0]).toEqual(['trace', 'calls', 'maple us/call', 'legacy us/call', 'maple / legacy']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['real-python', 'real-perl', 'real-cc1', 'synth-mixed-1']);
    expect(rows[1]![1]).toBe(String(replayTrace(loadTrace('real-python')).ops));
    for (const r of rows.slice(1)) for (const v of r.slice(2, 4)) expect(Number(v)).toBeGreaterThan(0);
    await page.screenshot({ path: fileURLToPath(new URL('e2e-bench.png', SHOTS)), fullPage: true });
    expect(problems).toEqual([]);
  }, 60_000);
});
