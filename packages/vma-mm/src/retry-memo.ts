/**
 * A memo for the stack-guard retry loop of unmapped_area_topdown.
 *
 * The loop searches the highest free window below `high`; when the VMA
 * right above the window is a grows-down one whose guard gap the window
 * enters, it lowers `high` to that guard's start and searches again. With
 * many grows-down VMAs every search walks down past the same guard gaps.
 * The chain of lowered `high` values depends only on the layout from the
 * lowest page of a rejected window up to the first `high`: each rejected
 * window stays the highest fit below its `high` and keeps the same VMA above
 * it while nothing there changes. So after a search we remember, per (low,
 * first high, length), the `high` of the search that succeeded and that
 * lowest page; the next search resumes at that `high` unless a VMA changed
 * in between (every change of the index reports its page range here).
 *
 *   first high ─┐  guard  ┌─ guard  ┌─ resume here next time
 *               v         v         v
 *   ... [W] ... |G1| ... |G2| ...  [window]
 */

interface Chain {
  top: number;
  resume: number;
  /** Lowest page of any window the chain rejected. */
  floor: number;
}

/** Most chains kept; the memo is cleared when it would grow beyond this. */
const MAX_CHAINS = 256;

/** Remembered retry chains, invalidated by changes to the layout. */
export class RetryMemo {
  private readonly chains = new Map<string, Chain>();

  private static key(low: number, top: number, length: number): string {
    return `${low}:${top}:${length}`;
  }

  /** Where a search for `length` pages in [low, top) may resume (and the floor so far), if known. */
  resume(low: number, top: number, length: number): { resume: number; floor: number } | undefined {
    // Most layouts have no chain at all: skip building the key.
    if (this.chains.size === 0) return undefined;
    return this.chains.get(RetryMemo.key(low, top, length));
  }

  /**
   * Remember that the search for `length` in [low, top) succeeded below
   * `resume`, after rejecting windows none of which started below `floor`.
   */
  remember(low: number, top: number, length: number, resume: number, floor: number): void {
    if (resume >= top) return;
    if (this.chains.size >= MAX_CHAINS) this.chains.clear();
    this.chains.set(RetryMemo.key(low, top, length), { top, resume, floor: Math.min(floor, resume) });
  }

  /** A VMA changed within pages [start, end): forget chains that walked over it. */
  touched(start: number, end: number): void {
    if (this.chains.size === 0) return;
    for (const [k, c] of this.chains) if (end > c.floor && start < c.top) this.chains.delete(k);
  }

  /** Forget everything. */
  clear(): void {
    this.chains.clear();
  }
}
