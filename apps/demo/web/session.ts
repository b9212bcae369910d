/**
 * The explorer's state: an address space replayed from a trace (or empty),
 * the op it is at, and what the console typed into it; and the redraw of
 * every view after each change.
 */
import { AddressSpace, type TraceRecord } from '@maple-tree/vma-mm';
import { Console, formatAnswer } from '../src/model/commands.js';
import { mapleTreeOf, readLayout } from '../src/model/layout.js';
import { highlightOf, OpRecorder } from '../src/model/op-trace.js';
import { type StepResult, TraceStepper } from '../src/model/trace-stepper.js';
import { TreeSnapshots, versionedMmTree } from '../src/model/tree-snapshots.js';
import { readTree } from '../src/model/tree-view.js';
import type { AddressMap } from './views/address-map.js';
import type { MapsView } from './views/maps-view.js';
import type { PlayerHost } from './views/player.js';
import type { SnapshotView } from './views/snapshot-view.js';
import type { TreeDiagram } from './views/tree-diagram.js';

/** The views a session redraws. */
export interface Views {
  map: Pick<AddressMap, 'update'>;
  tree: Pick<TreeDiagram, 'update'>;
  maps: Pick<MapsView, 'update'>;
  snapshots: Pick<SnapshotView, 'update'>;
  status(text: string, ok: boolean | undefined): void;
}

/** An empty x86_64 process for the console. */
function emptyProcess(): AddressSpace {
  return new AddressSpace({
    arch: 'x86_64',
    startBrk: 0x555555559000,
    startStack: 0x7fffffffe000,
    mapleTree: versionedMmTree,
  });
}

function describeOp(ops: ReadonlyMap<number, TraceRecord>, r: StepResult): string {
  const rec = ops.get(r.i) as Record<string, unknown> | undefined;
  const args = rec
    ? Object.entries(rec)
        .filter(([k]) => !['kind', 'i', 'op', 'ret', 'err'].includes(k))
        .map(([, v]) => (Array.isArray(v) ? v.join('|') : String(v)))
        .join(', ')
    : '';
  const call = `op ${r.i}: ${r.op}(${args})`;
  if (r.answer === undefined) return `${call}: does not change the layout, skipped`;
  const verdict =
    r.answer === r.expected ? 'same as the kernel' : `the kernel said ${formatAnswer(r.expected!)}`;
  return `${call} = ${formatAnswer(r.answer)} (${verdict})`;
}

/** The session behind the explorer page. */
export class Session implements PlayerHost {
  /** The loaded trace's op records by number. */
  private ops = new Map<number, TraceRecord>();
  private stepper: TraceStepper | null = null;
  private mm: AddressSpace = emptyProcess();
  private cons = new Console(this.mm);
  /** Typed commands changed the replayed address space since the last replay step. */
  private diverged = false;
  private focus: number | undefined;
  private note = '';
  /** Snapshots of the address space's own (versioned) maple tree, for the snapshot panel. */
  private snaps = new TreeSnapshots();
  /** The maple tree's trace events during the last call. */
  private readonly recorder = new OpRecorder();

  constructor(
    private readonly views: Views,
    private readonly loader: (id: string) => Promise<TraceRecord[]>,
  ) {}

  get position(): number {
    return this.stepper?.position ?? 0;
  }

  get total(): number {
    return this.stepper?.totalOps ?? 0;
  }

  async load(id: string): Promise<void> {
    if (id === '') {
      this.ops = new Map();
      this.stepper = null;
      this.mm = emptyProcess();
    } else {
      let records: TraceRecord[];
      try {
        records = await this.loader(id);
      } catch (e) {
        // Keep what is shown; say why the trace did not load.
        this.views.status(`could not load ${id}: ${e instanceof Error ? e.message : String(e)}`, false);
        return;
      }
      this.ops = new Map(records.flatMap((r) => (r.kind === 'op' ? [[r.i, r] as const] : [])));
      this.stepper = new TraceStepper(records, 'maple', { mapleTree: versionedMmTree });
      this.mm = this.stepper.mm;
    }
    this.cons = new Console(this.mm);
    this.recorder.detach();
    this.recorder.attach(this.mm);
    this.recorder.clear();
    this.snaps.release();
    this.snaps = new TreeSnapshots();
    this.diverged = false;
    this.focus = undefined;
    this.render(
      id === '' ? 'an empty x86_64 process: type system calls below' : 'the starting layout (maps at:0)',
      undefined,
    );
  }

  seek(n: number): void {
    const s = this.stepper;
    if (!s) return;
    if (this.diverged) {
      s.reset();
      this.diverged = false;
    }
    const target = Math.max(0, Math.min(Math.trunc(n), s.totalOps));
    // Replay up to the op before the target untraced, then trace the target op alone.
    this.recorder.detach();
    s.seek(Math.max(0, target - 1));
    this.setMm(s.mm);
    this.recorder.clear();
    const r = target > 0 ? this.recorder.record(() => s.step()) : undefined;
    this.afterStep(r);
  }

  step(count = 1): boolean {
    const s = this.stepper;
    if (!s || s.done) return false;
    if (this.diverged) {
      this.seek(s.position + count);
      return !s.done;
    }
    let r: StepResult | undefined;
    for (let k = 0; k < count && !s.done; k++) r = this.recorder.record(() => s.step());
    this.afterStep(r);
    return !s.done;
  }

  /** Switches to `mm` (a new trace, or a replay from the start): console and tracing follow. */
  private setMm(mm: AddressSpace): void {
    this.mm = mm;
    this.cons.mm = mm;
    this.recorder.attach(mm);
  }

  private afterStep(r: StepResult | undefined): void {
    this.focus = r?.focus;
    if (!r) {
      this.render('the starting layout (maps at:0)', undefined);
      return;
    }
    const snap = r.snapshot
      ? `; kernel's maps after op ${r.i}: ${r.snapshot.matched ? 'identical' : 'DIFFERENT'}`
      : '';
    this.note = r.snapshot
      ? `kernel snapshot after op ${r.i}: ${r.snapshot.matched ? 'identical' : 'different'}`
      : '';
    this.render(describeOp(this.ops, r) + snap, r.answer === r.expected && (r.snapshot?.matched ?? true));
  }

  /** Runs a console line against the current address space. */
  run(line: string): { text: string; ok: boolean } {
    const r = this.recorder.record(() => this.cons.run(line));
    if (r.ok && r.answer !== undefined && this.stepper) this.diverged = true;
    if (r.focus !== undefined) this.focus = r.focus;
    this.note = this.diverged ? `changed by the console after op ${this.position}` : '';
    if (r.ok) {
      const tail = this.diverged ? ' (typed; stepping replays the trace again from the start)' : '';
      this.render(`${r.text}${tail}`, r.answer === undefined || r.answer >= 0);
    }
    return { text: r.text, ok: r.ok && (r.answer === undefined || r.answer >= 0) };
  }

  private render(status: string, ok: boolean | undefined): void {
    const layout = readLayout(this.mm);
    const lines = this.mm.procMaps().trimEnd().split('\n').filter(Boolean);
    this.views.map.update(layout, this.focus);
    const tree = mapleTreeOf(this.mm);
    const view = tree ? readTree(tree) : null;
    this.views.tree.update(
      view,
      highlightOf(this.recorder.eventsNow(), this.mm.pageSize),
      layout.regions,
      this.mm.pageSize,
    );
    this.views.maps.update(layout, lines, this.focus, this.note);
    this.snaps.follow(this.mm);
    this.views.snapshots.update(this.snaps);
    this.views.status(status, ok);
  }
}
