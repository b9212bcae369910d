// The fuzzer's cursor sessions must reach the cases cursors get wrong when the
// tree is written between their steps. Each test plants one of the bugs that
// @maple-tree/core had before b8dec09 and 8bac14a into the reference model's
// cursor and runs the CI slice's first seed: the fuzzer must fail, and the
// shrunk case must be a cursor session that writes to the tree.
import { describe, expect, it } from 'vitest';
import { MapleModel, type MapleModelOptions } from '../model.js';
import { ModelState } from '../model-state.js';
import { fuzz } from './fuzz.js';
import type { TreeLike } from './subject.js';

type Bug = 'rewalk at index' | 'step over a range written across last' | 'set keeps the old position';

/** The model's cursor with one planted bug. */
class BuggyState<V> extends ModelState<V> {
  /** The tree's write count at the last answer. */
  private seen: number;
  /** For 'set keeps the old position': where the cursor last stood after a step. */
  private walker: { index: number; last: number } | undefined;
  /** Set, reset or pause since that step. */
  private restarted = false;

  constructor(
    private readonly model: MapleModel<V>,
    first: number,
    last: number,
    private readonly bug: Bug,
  ) {
    super(model, first, last);
    this.seen = model.writes;
  }

  /** Before a step: bend the position the way the planted bug did. */
  private before(forward: boolean): void {
    const written = this.model.writes !== this.seen;
    if (this.bug === 'set keeps the old position') {
      // a step that ran into its limit before walking left the old position to step from
      const stopped = this.status === 'overflow' || this.status === 'underflow';
      if (this.restarted && stopped && this.walker !== undefined) {
        this.index = this.walker.index;
        this.last = this.walker.last;
        this.status = 'active';
      }
      return;
    }
    if (!written || this.status !== 'active') return;
    if (this.bug === 'rewalk at index') {
      // walked again to index both ways: a forward step starts from the range holding index
      if (forward) this.last = this.model.slotAt(this.index).last;
    } else if (forward) {
      this.last = this.model.slotAt(this.last).last;
    } else {
      this.index = this.model.slotAt(this.index).first;
    }
  }

  private after<T>(answer: T): T {
    this.seen = this.model.writes;
    if (this.status === 'active') {
      this.walker = { index: this.index, last: this.last };
      this.restarted = false;
    }
    return answer;
  }

  override next(max: number): V | undefined {
    this.before(true);
    return this.after(super.next(max));
  }

  override nextRange(max: number): V | undefined {
    this.before(true);
    return this.after(super.nextRange(max));
  }

  override find(max: number): V | undefined {
    this.before(true);
    return this.after(super.find(max));
  }

  override prev(min: number): V | undefined {
    this.before(false);
    return this.after(super.prev(min));
  }

  override prevRange(min: number): V | undefined {
    this.before(false);
    return this.after(super.prevRange(min));
  }

  override findRev(min: number): V | undefined {
    this.before(false);
    return this.after(super.findRev(min));
  }

  override walk(): V | undefined {
    return this.after(super.walk());
  }

  override setRange(first: number, last: number): this {
    this.restarted = true;
    return super.setRange(first, last);
  }

  override reset(): this {
    this.restarted = true;
    return super.reset();
  }

  override pause(): this {
    this.restarted = true;
    return super.pause();
  }
}

class BuggyCursorModel<V> extends MapleModel<V> {
  constructor(
    options: MapleModelOptions,
    private readonly bug: Bug,
  ) {
    super(options);
  }

  override state(first = 0, last = first): ModelState<V> {
    return new BuggyState(this, first, last, this.bug);
  }
}

describe('the fuzzer finds cursor bugs that need a write between steps', () => {
  it.each<Bug>(['rewalk at index', 'step over a range written across last', 'set keeps the old position'])(
    '%s',
    (bug) => {
      const report = fuzz({
        factory: (o) => new BuggyCursorModel<unknown>(o, bug) as TreeLike<unknown>,
        seed: 101,
        batchRuns: 400,
        maxOps: 60,
      });
      expect(report.ok).toBe(false);
      const failure = report.failure!;
      expect(failure.message).toMatch(/cursor/);
      const session = failure.case.ops.find((op) => op.k === 'cursor');
      expect(session).toBeDefined();
      if (bug !== 'set keeps the old position') {
        // the bug needs a write between two steps of the session
        expect(session?.k === 'cursor' && session.moves.some((mv) => mv.m === 'write')).toBe(true);
      }
    },
  );

  it('and none in the model itself through the same sessions', () => {
    const report = fuzz({
      factory: (o) => new MapleModel<unknown>(o) as TreeLike<unknown>,
      seed: 101,
      batchRuns: 400,
      maxOps: 60,
    });
    expect(report.failure?.message).toBeUndefined();
  });
});
