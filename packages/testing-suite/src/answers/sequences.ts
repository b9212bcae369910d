/**
 * Seeded scripts of the maple tree's reads and searches mixed with writes, for
 * comparing the ANSWERS of the kernel's calls with core's (tools/kernel-oracle
 * runs them through Linux's lib/maple_tree.c; test/kernel/kernel-answers.test.ts
 * replays the kernel's recorded answers against core). A script is a list of
 * the oracle's command lines (tools/kernel-oracle/oracle.c lists them):
 *
 *   load I | find I MAX | next I MAX | prev I MIN          mtree_load, mt_find, mt_next, mt_prev
 *   store F L V|null | erase I | insert F L V              mtree_store_range, mtree_erase, mtree_insert_range
 *   alloc SIZE MIN MAX V | ralloc SIZE MIN MAX V           mtree_alloc_range, mtree_alloc_rrange
 *   mas_set I | mas_set_range F L | mas_reset | mas_pause  the tree's one ma_state
 *   mas_walk | mas_find MAX | mas_find_rev MIN | mas_next MAX | mas_prev MIN
 *   mas_next_range MAX | mas_prev_range MIN | mas_empty_area MIN MAX SIZE
 *   mas_empty_area_rev MIN MAX SIZE | mas_store V|null | mas_erase | dump
 *
 * Indices are decimal, `max` (ULONG_MAX, core's MAPLE_MAX) or `max-K`: keys
 * near the top of the index space are written from the top down, so that the
 * kernel's 64-bit and core's 53-bit index spaces line up there.
 *
 * Two rules keep every script inside what the kernel defines (see
 * {@link scriptRuleBreak}): the cursor is set, reset or paused after a write
 * through the normal API before it steps again (the kernel's cursor may hold
 * freed nodes then), and mas_empty_area(_rev) starts from a reset cursor (on
 * an active one the kernel continues a previous search from its node).
 */
import { Random } from '../random.js';

/** Names one script: the same case always gives the same lines. */
export interface AnswerCase {
  /** Any 32-bit integer. */
  readonly seed: number;
  /** Number of operations after the first build, at least 1. */
  readonly size: number;
  /** A gap-tracking tree (MT_FLAGS_ALLOC_RANGE). */
  readonly alloc: boolean;
}

/** A case's name, as reports and fixtures print it: `answers/alloc/s42/n300`. */
export function answerCaseName(c: AnswerCase): string {
  return `answers/${c.alloc ? 'alloc' : 'plain'}/s${c.seed}/n${c.size}`;
}

/** Where a script's keys live: near 0, across 2^32, near 2^46, at the top, or both ends. */
type Region = 'low' | 'wrap32' | 'high' | 'top' | 'ends';
const REGIONS: readonly Region[] = ['low', 'wrap32', 'high', 'top', 'ends'];

/** Keys are plain numbers below 2^50, or distances below the top (`max-K`) as negative numbers -1 - K. */
type Key = number;

/** The script token for a key: -1 is `max`, -1 - K is `max-K`. */
function keyText(k: Key): string {
  if (k >= 0) return String(k);
  return k === -1 ? 'max' : `max-${-1 - k}`;
}

/** A key in the region, inside a span of `span` keys. */
function regionKey(rng: Random, region: Region, span: number): Key {
  const at = rng.below(span);
  switch (region) {
    case 'low':
      return at;
    case 'wrap32':
      return 2 ** 32 - (span >> 1) + at;
    case 'high':
      return 2 ** 46 + at;
    case 'top':
      return -1 - at;
    case 'ends':
      return rng.below(2) === 0 ? at : -1 - at;
  }
}

/** Keys compare as the indices they stand for: any `max-K` above any plain key, else as numbers. */
function above(a: Key, b: Key): boolean {
  if (a < 0 !== b < 0) return a < 0;
  return a > b;
}

function order(a: Key, b: Key): [Key, Key] {
  return above(a, b) ? [b, a] : [a, b];
}

/** `k + d` for a small d, clamped to [0, max]. */
function shift(k: Key, d: number): Key {
  if (k >= 0) return Math.max(0, k + d);
  return Math.min(-1, k + d);
}

/** The generator's state: the keys it has written (range ends), for picking interesting arguments. */
class ScriptWriter {
  readonly lines: string[];
  private readonly ends: Key[] = [];
  /** True after a write through the normal API, until the cursor is set, reset or paused. */
  private stale = false;
  /** The last cursor call made: mas_empty_area needs a reset first. */
  private lastCursor = '';
  /**
   * The bounds of the cursor's steps since it was last set, reset or paused
   * (forward steps take `stepMax`, backward ones `stepMin`), as the kernel's
   * iterators keep theirs: 6.12 checks a step's bound before it walks, so a
   * step that stops at its bound straight after a settle leaves the cursor
   * with no node, and a later step with a wider bound dereferences it (the
   * oracle stops the script there).
   */
  private stepMin: Key = 0;
  private stepMax: Key = -1;
  /**
   * A forward step since the cursor was last set, reset or paused, and no
   * walk since: it may have stopped at its bound with no node, and then
   * mas_find_rev would step back from no node (a mas_prev is asked instead).
   */
  private forwardUnwalked = false;
  /**
   * A gap search since the last settle, walk or write: while the cursor's
   * index is the fit's start, 6.12's mas_prev_slot reports the range before
   * the fit as ending at that start - 1, not where it ends (the oracle stops
   * the script), so a forward step is asked instead.
   */
  private searched = false;
  /**
   * The tree may hold only index 0, kept in the root: 6.12's mas_prev and
   * mas_find_rev then answer that entry whatever their min (the oracle stops
   * the script), so backward steps take min 0 until an entry is added elsewhere.
   */
  private rootOnly = false;
  private value = 1;

  constructor(
    private readonly rng: Random,
    private readonly region: Region,
    private readonly span: number,
    private readonly alloc: boolean,
  ) {
    this.lines = [alloc ? 'tree alloc' : 'tree'];
  }

  /** An index worth asking about: an end written (or beside one), 0, 1, the top, or any key. */
  point(): Key {
    const rng = this.rng;
    const roll = rng.below(100);
    if (roll < 45 && this.ends.length > 0) {
      const k = this.ends[rng.below(this.ends.length)] as Key;
      return shift(k, rng.int(-1, 1));
    }
    if (roll < 52) return rng.below(3);
    if (roll < 59) return -1 - rng.below(3);
    return regionKey(rng, this.region, this.span);
  }

  /** A range: mostly short, sometimes long, now and then reaching 0 or the top. */
  range(): [Key, Key] {
    const rng = this.rng;
    const a = this.point();
    const roll = rng.below(100);
    if (roll < 55) {
      const b = shift(a, rng.int(0, 6));
      return order(a, b);
    }
    if (roll < 90) return order(a, this.point());
    if (roll < 95) return [0, a];
    return [a, -1];
  }

  private nextValue(): number {
    return this.value++;
  }

  private tree(line: string): void {
    // Only index 0 is stored after an empty tree (or a tree emptied whole) takes one entry there.
    const emptied = this.lines.length === 1 || this.lines[this.lines.length - 1] === 'store 0 max null';
    if (/^store 0 0 \d/.test(line)) {
      this.rootOnly = emptied;
      if (emptied) this.stepMin = 0;
    }
    // (mas_store is not made on a tree with no node, and allocations fail on a plain tree.)
    else if (
      /^insert /.test(line) ||
      (this.alloc && /^r?alloc /.test(line)) ||
      (line.startsWith('store ') && !line.endsWith(' null'))
    ) {
      this.rootOnly = false;
    }
    this.lines.push(line);
    this.stale = true;
  }

  private cursor(line: string): void {
    this.lines.push(line);
    this.lastCursor = line;
    if (/^mas_(set|set_range|reset|pause|walk|erase|store|empty_area|empty_area_rev)( |$)/.test(line)) {
      this.forwardUnwalked = false;
      this.searched = line.startsWith('mas_empty_area');
    } else if (/^mas_(find|next|next_range) /.test(line)) {
      // A forward step may stay on the fit (mas_find answering nothing at its bound): still searched.
      this.forwardUnwalked = true;
    }
  }

  /** Puts the cursor somewhere defined again: set, set_range, reset or pause. */
  private settle(): void {
    const rng = this.rng;
    const roll = rng.below(4);
    if (roll === 0) this.cursor(`mas_set ${keyText(this.point())}`);
    else if (roll === 1) {
      const [a, b] = this.range();
      this.cursor(`mas_set_range ${keyText(a)} ${keyText(b)}`);
    } else if (roll === 2) this.cursor('mas_reset');
    else this.cursor('mas_pause');
    this.stale = false;
    const bounds = rng.below(4);
    this.stepMin = bounds === 0 || bounds === 1 || this.rootOnly ? 0 : this.point();
    this.stepMax = bounds === 0 || bounds === 2 ? -1 : this.point();
  }

  store(first: Key, last: Key, value: number | null): void {
    this.ends.push(first, last);
    this.tree(`store ${keyText(first)} ${keyText(last)} ${value ?? 'null'}`);
  }

  /** One operation, chosen at random. */
  step(): void {
    const rng = this.rng;
    const roll = rng.below(100);
    if (roll < 8) {
      const [a, b] = this.range();
      this.store(a, b, rng.below(4) === 0 ? null : this.nextValue());
    } else if (roll < 12) {
      this.tree(`erase ${keyText(this.point())}`);
    } else if (roll < 13) {
      // Back to an empty tree, or to one holding only index 0 (the kernel keeps it in the root).
      this.store(0, -1, null);
      if (rng.below(2) === 0) this.store(0, 0, this.nextValue());
    } else if (roll < 17) {
      let [a, b] = this.range();
      // 6.12's mas_insert stores [0, max] without looking (a new root): core answers EEXIST.
      if (a === 0 && b === -1) b = -2;
      this.ends.push(a, b);
      this.tree(`insert ${keyText(a)} ${keyText(b)} ${this.nextValue()}`);
    } else if (roll < 23) {
      const [min, max, size] = this.window();
      this.tree(
        `${rng.below(2) === 0 ? 'alloc' : 'ralloc'} ${size} ${keyText(min)} ${keyText(max)} ${this.nextValue()}`,
      );
    } else if (roll < 29) {
      this.lines.push(`load ${keyText(this.point())}`);
    } else if (roll < 36) {
      // mt_find with index > max: the kernel answers NULL, core refuses (API.md: first > last is EINVAL).
      const [a, b] = rng.below(5) === 0 ? [this.point(), -1] : this.range();
      this.lines.push(`find ${keyText(a)} ${keyText(b)}`);
    } else if (roll < 42) {
      const fwd = rng.below(2) === 0;
      const a = this.point();
      const b = rng.below(3) === 0 ? (fwd ? -1 : 0) : this.point();
      this.lines.push(`${fwd ? 'next' : 'prev'} ${keyText(a)} ${keyText(b)}`);
    } else {
      this.cursorStep();
    }
  }

  /** A search window and size: mostly fitting, sometimes min = max, at 0 or the top, too large or 0. */
  window(): [Key, Key, string] {
    const rng = this.rng;
    const roll = rng.below(100);
    let min: Key;
    let max: Key;
    if (roll < 10) {
      min = rng.below(3);
      max = min + rng.int(0, 20);
    } else if (roll < 20) {
      max = -1;
      min = -1 - rng.int(0, 20);
    } else if (roll < 28) {
      min = this.point();
      max = min;
    } else if (roll < 40) {
      [min, max] = [0, -1];
    } else {
      [min, max] = this.range();
    }
    const sizeRoll = rng.below(100);
    let size: number;
    const finite = max >= 0 && min >= 0;
    const width = finite ? max - min + 1 : Number.POSITIVE_INFINITY;
    if (sizeRoll < 3) size = 0;
    else if (sizeRoll < 10 && finite) size = width + 1;
    else if (sizeRoll < 18 && finite) size = width;
    else size = rng.below(3) === 0 ? rng.int(1, 40) : rng.int(1, 4);
    // A window given upside down now and then: EINVAL on both sides.
    if (rng.below(30) === 0) [min, max] = [max, min];
    return [min, max, String(size)];
  }

  /** One call on the cursor (setting it up first when a write left it undefined). */
  private cursorStep(): void {
    const rng = this.rng;
    const roll = rng.below(100);
    const needsSettled = roll >= 12;
    if (needsSettled && this.stale) this.settle();
    if (roll < 6) {
      this.settle();
    } else if (roll < 9) {
      this.cursor('mas_walk');
      this.stale = false;
    } else if (roll < 12) {
      this.cursor('mas_erase');
      this.stale = false;
    } else if (roll < 20 && this.alloc) {
      // Gap searches on gap-tracking trees only: 6.12's mas_empty_area does not descend a plain
      // tree's internal nodes (they record no gaps), core scans a plain tree's leaves instead.
      if (this.lastCursor !== 'mas_reset' && !this.lastCursor.startsWith('mas_set')) {
        this.cursor(rng.below(2) === 0 ? 'mas_reset' : `mas_set ${keyText(this.point())}`);
      }
      const [min, max, size] = this.window();
      this.cursor(
        `${rng.below(2) === 0 ? 'mas_empty_area' : 'mas_empty_area_rev'} ${keyText(min)} ${keyText(max)} ${size}`,
      );
    } else if (roll < 28) {
      this.cursor(`mas_store ${rng.below(4) === 0 ? 'null' : this.nextValue()}`);
    } else {
      const calls = ['mas_find', 'mas_next', 'mas_next_range', 'mas_find_rev', 'mas_prev', 'mas_prev_range'];
      let k = rng.below(calls.length);
      if (k === 3 && this.forwardUnwalked) k = 4;
      if (k >= 3 && this.searched) k -= 3;
      const fwd = k < 3;
      this.cursor(`${calls[k]} ${keyText(fwd ? this.stepMax : this.stepMin)}`);
    }
  }
}

/**
 * The script of `c`: `tree [alloc]`, a build of 0 to 800 ranges (or only
 * index 0), `size` operations, and a `dump` at the end. Deterministic in
 * the case. @throws RangeError on a size below 1
 */
export function generateAnswerScript(c: AnswerCase): string[] {
  const { seed, size, alloc } = c;
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`size must be a positive integer, got ${size}`);
  const rng = new Random(seed);
  const region = REGIONS[rng.below(REGIONS.length)] as Region;
  const build = [0, -1, 3, 20, 150, 800][rng.below(6)] as number;
  // A large build gets a wide key space, for trees three or four levels deep.
  const span = build === 800 ? 60_000 : ([60, 600, 6000][rng.below(3)] as number);
  const w = new ScriptWriter(rng, region, span, alloc);
  if (build === -1) w.store(0, 0, 1000);
  for (let i = 0; i < build; i++) {
    const k = regionKey(rng, region, span);
    w.store(k, shift(k, rng.below(4) === 0 ? rng.int(1, 30) : 0), 1000 + i);
  }
  for (let i = 0; i < size; i++) w.step();
  w.lines.push('dump');
  return w.lines;
}

const WRITES = /^(store|erase|insert|alloc|ralloc) /;
const SETTLES = /^(mas_set|mas_set_range|mas_reset|mas_pause|mas_walk|mas_erase)( |$)/;

/**
 * The first line of `lines` that breaks the two rules the scripts keep (see
 * the file overview), or -1: a cursor call that steps from where a write
 * through the normal API left it, or a gap search on a cursor that is not
 * reset. Shrinking keeps only scripts that keep them.
 */
export function scriptRuleBreak(lines: readonly string[]): number {
  let stale = false;
  let reset = true;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith('tree')) {
      stale = false;
      reset = true;
    } else if (WRITES.test(line)) {
      stale = true;
    } else if (SETTLES.test(line)) {
      stale = false;
      reset = line.startsWith('mas_set') || line === 'mas_reset';
    } else if (line.startsWith('mas_')) {
      if (stale) return i;
      if (line.startsWith('mas_empty_area') && !reset) return i;
      reset = false;
    }
  }
  return -1;
}
