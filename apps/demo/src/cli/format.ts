/**
 * The demo's report as terminal text: the verdict against the kernel's
 * recording, the final /proc/PID/maps, the tree's shape and the two
 * backends' timings side by side.
 */
import { formatAnswer } from '../model/commands.js';
import type { DemoReport } from '../model/replay-report.js';
import { drawShape } from '../model/tree-shape.js';

function pct(a: number, b: number): string {
  return b === 0 ? '-' : `${((100 * a) / b).toFixed(1)}%`;
}

/** The report as lines of text. */
export function formatReport(r: DemoReport): string[] {
  const out: string[] = [];
  out.push(
    `maple-tree demo: ${r.trace} (${r.program} on ${r.arch}, recorded on Linux ${r.kernel}), ${r.ops} system calls`,
  );
  out.push('');
  out.push("verdict against the kernel's own recording");
  for (const b of r.backends) {
    const t = b.tally;
    let line = `  ${b.backend.padEnd(7)} answers ${t.answersMatched}/${t.answered} matched (${pct(t.answersMatched, t.answered)}), maps snapshots ${t.snapshotsMatched}/${t.snapshots} identical`;
    if (t.firstAnswerMismatch) {
      const m = t.firstAnswerMismatch;
      line += `; first wrong answer: op ${m.i} ${m.op} gave ${formatAnswer(m.actual)}, kernel ${formatAnswer(m.expected)}`;
    }
    out.push(line);
  }
  const final = r.backends[0]!.final;
  if (!final) out.push('  final maps: the trace has no snapshot after its last op');
  else if (final.identical)
    out.push(`  final maps: identical to the kernel's (snapshot after op ${final.at})`);
  else {
    const d = final.firstDifference!;
    out.push(`  final maps: differ from the kernel's (snapshot after op ${final.at}); first difference:`);
    out.push(`    kernel: ${d.kernel ?? '(no such line)'}`);
    out.push(`    ours:   ${d.ours ?? '(no such line)'}`);
    if (r.origin === 'real') {
      out.push(
        '    (a real program touches its memory: page faults, which the trace does not record, decide',
      );
      out.push('    some anonymous merges and stack growth; see FORMAT.md in the vma-mm fixtures)');
    }
  }
  out.push(
    `  maple and legacy backends ${r.backendsAgree ? 'agree on every answer and on the final maps' : 'DISAGREE'}`,
  );
  out.push('');
  out.push(`final /proc/PID/maps (${r.maps.length} lines)`);
  for (const l of r.maps) out.push(`  ${l}`);
  out.push('');
  out.push('maple tree shape (mm->mm_mt, keys are page numbers)');
  if (r.shape) for (const l of drawShape(r.shape)) out.push(`  ${l}`);
  else out.push('  (not available)');
  const a = r.activity;
  if (a) {
    const byCount = (o: Record<string, number>) =>
      Object.entries(o)
        .sort((x, y) => y[1] - x[1])
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
    out.push(`  stores by case: ${byCount(a.stores) || 'none'}`);
    if (Object.keys(a.structural).length) out.push(`  restructuring: ${byCount(a.structural)}`);
    if (a.gapSearches) {
      out.push(
        `  gap searches: ${a.gapSearches}, ${(a.nodesEntered / a.gapSearches).toFixed(1)} nodes entered on average`,
      );
    }
  }
  out.push('');
  out.push(
    'timings: whole-trace replay through vma-mm (replayTrace), median of alternating runs after a warm-up',
  );
  out.push(`  ${'backend'.padEnd(8)} ${'ms'.padStart(9)} ${'us/op'.padStart(9)} ${'runs'.padStart(5)}`);
  for (const b of r.backends) {
    const perOp = r.ops ? (1000 * b.medianMs) / r.ops : 0;
    out.push(
      `  ${b.backend.padEnd(8)} ${b.medianMs.toFixed(2).padStart(9)} ${perOp.toFixed(2).padStart(9)} ${String(b.runs).padStart(5)}`,
    );
  }
  const [m, l] = r.backends;
  if (m && l && l.medianMs > 0) {
    out.push(
      `  maple takes ${(m.medianMs / l.medianMs).toFixed(2)}x the legacy backend's time here (one machine: indicative; see pnpm bench)`,
    );
  }
  return out;
}
