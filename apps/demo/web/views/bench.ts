/**
 * The benchmark page: every bundled trace replayed through vma-mm's
 * replayTrace on the maple and the legacy backend, in this browser, plotted
 * as microseconds per system call (SVG bars, each trace scaled to its slower
 * backend) with a table of the numbers.
 * Runs yield to the page between replays so it stays responsive.
 */
import { type BackendName, replayTrace, type TraceRecord } from '@maple-tree/vma-mm';
import { byId, el, svg, tip } from '../dom.js';

/** One measured trace. */
export interface BenchRow {
  trace: string;
  ops: number;
  /** Median microseconds per op, by backend. */
  usPerOp: Record<BackendName, number>;
  runs: number;
}

const BACKENDS: BackendName[] = ['maple', 'legacy'];
const idle = () => new Promise<void>((r) => setTimeout(r, 0));

async function measure(
  records: TraceRecord[],
  backend: BackendName,
  budgetMs: number,
): Promise<{ us: number; runs: number }> {
  const ops = records.reduce((n, r) => n + (r.kind === 'op' ? 1 : 0), 0);
  const warmUntil = performance.now() + budgetMs / 2;
  do {
    replayTrace(records, { backend });
    await idle();
  } while (performance.now() < warmUntil);
  const times: number[] = [];
  let spent = 0;
  while (times.length < 3 || (spent < budgetMs && times.length < 50)) {
    const t = replayTrace(records, { backend }).timeMs;
    times.push(t);
    spent += t;
    await idle();
  }
  times.sort((a, b) => a - b);
  return { us: (1000 * times[Math.floor(times.length / 2)]!) / ops, runs: times.length };
}

/** Draws the results as grouped horizontal bars. */
export function drawChart(rows: BenchRow[]): SVGSVGElement {
  const labelW = 150;
  const barH = 14;
  const groupH = BACKENDS.length * barH + 14;
  const width = 860;
  const plotW = width - labelW - 90;
  const s = svg('svg', {
    id: 'bench-svg',
    width,
    height: rows.length * groupH + 30,
    role: 'img',
    'aria-label': 'benchmark chart',
  });
  rows.forEach((row, k) => {
    const y0 = 10 + k * groupH;
    s.appendChild(svg('text', { x: 0, y: y0 + barH + 2, class: 'bench-label' }, row.trace));
    BACKENDS.forEach((b, j) => {
      const v = row.usPerOp[b];
      // Each trace's bars are scaled to its slower backend: the traces differ by orders of magnitude.
      const max = Math.max(1e-9, ...BACKENDS.map((x) => row.usPerOp[x]));
      const w = Math.max(1, (v / max) * plotW);
      const y = y0 + j * barH;
      const bar = svg('rect', { x: labelW, y, width: w, height: barH - 2, class: `bench-bar ${b}` });
      tip(bar, `${row.trace}, ${b}: ${v.toFixed(2)} us per call (median of ${row.runs})`);
      s.appendChild(bar);
      s.appendChild(
        svg('text', { x: labelW + w + 4, y: y + barH - 4, class: 'bench-value' }, `${b} ${v.toFixed(2)} us`),
      );
    });
  });
  s.appendChild(
    svg(
      'text',
      { x: labelW, y: rows.length * groupH + 24, class: 'bench-axis' },
      'us per call (median), each trace scaled to its slower backend; shorter is faster',
    ),
  );
  return s;
}

/** Wires the benchmark page. */
export function setupBench(
  traces: readonly { id: string }[],
  load: (id: string) => Promise<TraceRecord[]>,
): void {
  const button = byId<HTMLButtonElement>('bench-run');
  const status = byId('bench-status');
  const chart = byId('bench-chart');
  const table = byId<HTMLTableElement>('bench-table');
  button.addEventListener('click', async () => {
    button.disabled = true;
    const rows: BenchRow[] = [];
    try {
      for (const t of traces) {
        const records = await load(t.id);
        const row: BenchRow = { trace: t.id, ops: 0, usPerOp: { maple: 0, legacy: 0 }, runs: 0 };
        row.ops = records.reduce((n, r) => n + (r.kind === 'op' ? 1 : 0), 0);
        for (const b of BACKENDS) {
          status.textContent = `replaying ${t.id} on ${b}...`;
          const m = await measure(records, b, 400);
          row.usPerOp[b] = m.us;
          row.runs = m.runs;
        }
        rows.push(row);
        chart.replaceChildren(drawChart(rows));
      }
      const head = el('tr');
      for (const h of ['trace', 'calls', 'maple us/call', 'legacy us/call', 'maple / legacy'])
        head.appendChild(el('th', {}, h));
      const body = rows.map((r) => {
        const tr = el('tr');
        tr.append(
          el('td', {}, r.trace),
          el('td', {}, String(r.ops)),
          el('td', {}, r.usPerOp.maple.toFixed(2)),
          el('td', {}, r.usPerOp.legacy.toFixed(2)),
          el('td', {}, `${(r.usPerOp.maple / r.usPerOp.legacy).toFixed(2)}x`),
        );
        return tr;
      });
      table.replaceChildren(head, ...body);
      status.textContent = `done: ${rows.length} traces (this browser, this machine: indicative only)`;
      status.dataset.done = 'true';
    } catch (e) {
      status.textContent = `benchmark failed: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      button.disabled = false;
    }
  });
}
