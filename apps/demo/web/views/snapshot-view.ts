/**
 * Snapshots (@maple-tree/rcu): the address space's own maple tree is a
 * VersionedMapleTree; "pin" takes an O(1) snapshot of the current version,
 * and while the replay or the console keeps writing, the panel compares the
 * pinned version with the tree now and counts the nodes that the writes
 * retired and the snapshot still holds back from reclamation.
 */
import type { TreeSnapshots } from '../../src/model/tree-snapshots.js';
import { byId, el } from '../dom.js';

/** Lines of the difference shown at most. */
const MAX_LINES = 200;

/** The snapshot panel. */
export class SnapshotView {
  private readonly status: HTMLElement;
  private readonly diff: HTMLElement;
  private readonly release: HTMLButtonElement;
  private snaps: TreeSnapshots | null = null;
  private pinnedAt = '';

  constructor(hostId: string, where: () => string) {
    const host = byId(hostId);
    const pin = el('button', { type: 'button', id: 'snap-pin' }, 'pin this version');
    this.release = el('button', { type: 'button', id: 'snap-release', disabled: true }, 'release');
    this.status = el('div', { id: 'snap-status', class: 'status-line' });
    this.diff = el('ol', { id: 'snap-diff', class: 'history' });
    pin.addEventListener('click', () => {
      if (!this.snaps) return;
      this.snaps.pin();
      this.pinnedAt = where();
      this.show();
    });
    this.release.addEventListener('click', () => {
      if (!this.snaps) return;
      const freed = this.snaps.release();
      this.show(`released: ${freed} retired node${freed === 1 ? '' : 's'} reclaimed`);
    });
    const bar = el('div', { class: 'controls' });
    bar.append(pin, this.release);
    host.append(bar, this.status, this.diff);
  }

  /** Shows `snaps` (call after every change). */
  update(snaps: TreeSnapshots): void {
    this.snaps = snaps;
    this.show();
  }

  private show(note = ''): void {
    const m = this.snaps;
    if (!m) return;
    const snap = m.snapshot;
    const diff = m.compare();
    const tree = m.tree;
    this.release.disabled = snap === null;
    const head = tree
      ? `tree version ${tree.version}, ${tree.size} VMAs, ${tree.nodeCount} nodes`
      : 'the address space has no versioned tree';
    if (!snap || !diff) {
      this.status.textContent = `${head}; no snapshot pinned${note ? `; ${note}` : ''}`;
      this.diff.replaceChildren();
      return;
    }
    this.status.textContent =
      `${head}; pinned version ${snap.version} (${this.pinnedAt}): ${diff.added.length} VMAs added, ` +
      `${diff.removed.length} gone, ${diff.same} unchanged since; ` +
      `${m.pinnedTree!.retiredNodes} retired nodes held back by the snapshot` +
      (m.pinnedTree === tree ? '' : ' (in the tree of an earlier replay: going back replays from the start)');
    const rows = [
      ...diff.removed.map((l) => el('li', { class: 'error' }, `- ${l}`)),
      ...diff.added.map((l) => el('li', { class: 'answer' }, `+ ${l}`)),
    ];
    if (rows.length > MAX_LINES) {
      const rest = rows.length - MAX_LINES;
      rows.length = MAX_LINES;
      rows.push(el('li', { class: 'note' }, `... ${rest} more`));
    }
    this.diff.replaceChildren(...rows);
  }
}
