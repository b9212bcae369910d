/**
 * A fuzzer cursor session: one cursor on the tree, its steps interleaved
 * with writes to the same tree, every answer and the cursor's `[index, last]`
 * compared with the model after each step, and the tree validated and
 * compared after each write.
 *
 * Writes between steps go mostly against the range the cursor holds at that
 * moment (see {@link anchoredRange}): API.md says a cursor continues after the
 * last range it returned whatever was written meanwhile, and the places where
 * that is hard are a write inside that range, one across its ends, and one
 * right after `set()` or a gap search moved the cursor without a walk.
 *
 * The model follows the cursor only where the contract defines it:
 * - on a tree with no node (empty, or a lone entry at index 0 kept in the
 *   root) the kernel's cursor has special cases the model does not copy:
 *   steps are skipped there (writes go on), and once the tree has a node
 *   again the cursor is set to its index before the next step;
 * - after a store or erase through the cursor that the tree refused
 *   (ENOMEM under a node budget) the cursor is set again.
 */
import { MAPLE_MAX } from '@maple-tree/core';
import type { MapleModel } from '../model.js';
import type { Driver } from './interpret.js';
import { type Anchor, decodeValue, type Move } from './ops.js';

const clamp = (x: number): number => Math.min(MAPLE_MAX, Math.max(0, x));

/**
 * The range an anchored write covers, from the cursor's `[index, last]` and
 * the offsets `a`, `b` (see {@link Anchor}); always a valid range.
 */
export function anchoredRange(
  at: Anchor,
  a: number,
  b: number,
  index: number,
  last: number,
): [number, number] {
  switch (at) {
    case 'in': {
      const f = Math.min(last, index + a);
      return [f, Math.min(last, f + b)];
    }
    case 'inEnd': {
      const l = Math.max(index, last - a);
      return [Math.max(index, l - b), l];
    }
    case 'acrossLast':
      return [Math.max(index, last - a), clamp(last + 1 + b)];
    case 'acrossIndex':
      return [clamp(index - 1 - b), Math.min(last, index + a)];
    case 'after': {
      const f = clamp(last + 1 + a);
      return [f, clamp(f + b)];
    }
    case 'before': {
      const l = clamp(index - 1 - a);
      return [clamp(l - b), l];
    }
    case 'cover':
      return [clamp(index - a), clamp(last + b)];
    case 'abs':
      return [Math.min(a, b), Math.max(a, b)];
  }
}

/** Runs one session of `moves` on a cursor made as `tree.state(first, last)`. */
export function cursorSession(first: number, last: number, moves: Move[], d: Driver): void {
  d.newCursor(first, last);
  let lost = false;
  for (const mv of moves) {
    if (mv.m === 'write') {
      treeWrite(mv, d);
      continue;
    }
    if (!cursorComparable(d.model)) {
      lost = true;
      continue;
    }
    const cur = d.modelCursor!;
    if (lost) {
      lost = false;
      d.call('cursor', 'set', [cur.index], 'void');
    }
    switch (mv.m) {
      case 'walk':
        d.call('cursor', 'walk', [], 'same');
        d.cursorRange();
        break;
      case 'find':
      case 'findRev':
      case 'next':
      case 'prev':
      case 'nextRange':
      case 'prevRange':
        d.call('cursor', mv.m, [mv.lim], 'same');
        d.cursorRange();
        break;
      case 'pause':
      case 'reset':
        d.call('cursor', mv.m, [], 'void');
        d.cursorRange();
        break;
      case 'set':
        d.call('cursor', 'set', [mv.i], 'void');
        break;
      case 'setRange':
        d.call('cursor', 'setRange', [mv.f, mv.l], 'void');
        break;
      case 'bad':
        // refused with EINVAL, and the cursor must still be where it was
        d.call('cursor', mv.call, mv.args, 'einval');
        d.cursorRange();
        break;
      case 'erase': {
        const at = cur.index;
        d.call('cursor', 'erase', [], 'same');
        d.checkTree('tree', false);
        if (d.refused) d.call('cursor', 'set', [at], 'void');
        else d.cursorRange();
        break;
      }
      case 'store': {
        const at = cur.index;
        d.call('cursor', 'store', [decodeValue(mv.v)], 'void');
        d.checkTree('tree', false);
        if (d.refused) d.call('cursor', 'set', [at], 'void');
        else d.cursorRange();
        break;
      }
      case 'emptyArea':
        gapSearch(mv, d);
        break;
    }
  }
}

/**
 * A gap search through the cursor. Without a value the cursor is left on
 * the fit for the moves after it (or where it was, when there is no fit);
 * with one, the search starts from a reset cursor and the fit is filled, as
 * mtree_alloc_range does.
 */
function gapSearch(mv: Extract<Move, { m: 'emptyArea' }>, d: Driver): void {
  const cur = d.modelCursor!;
  const method = mv.rev ? 'emptyAreaRev' : 'emptyArea';
  if (mv.v === undefined) {
    d.call('cursor', method, [mv.min, mv.max, mv.size], 'same');
    d.cursorRange();
    return;
  }
  d.call('cursor', 'reset', [], 'void');
  const before = cur.index;
  const found = d.call('cursor', method, [mv.min, mv.max, mv.size], 'same');
  d.cursorRange();
  if (found !== true) return;
  d.call('cursor', 'store', [decodeValue(mv.v)], 'void');
  d.checkTree('tree', false);
  if (d.refused) d.call('cursor', 'set', [before], 'void');
  else d.cursorRange();
}

/** A write to the tree itself between cursor steps, placed by its anchor. */
function treeWrite(mv: Extract<Move, { m: 'write' }>, d: Driver): void {
  const cur = d.modelCursor!;
  const [f, l] = anchoredRange(mv.at, mv.a, mv.b, cur.index, cur.last);
  const value = decodeValue(mv.v);
  // insert and alloc take a value; an erasing code stores a plain one there
  const stored = value === undefined ? 7 : value;
  const call = (method: string, args: unknown[], check: 'same' | 'void' | 'einval' = 'same') =>
    d.call('tree', method, args, check);
  switch (mv.w) {
    case 'store':
      call('store', [l, value], 'void');
      break;
    case 'storeRange':
      call('storeRange', [f, l, value], 'void');
      break;
    case 'erase':
      call('erase', [f]);
      break;
    case 'insert':
      call('insert', [l, stored]);
      break;
    case 'insertRange':
      call('insertRange', [f, l, stored]);
      break;
    case 'alloc':
    case 'allocRev': {
      const size = 1 + ((mv.a + mv.b) % (l - f + 1));
      const method = mv.w === 'alloc' ? 'allocRange' : 'allocRangeRev';
      call(method, [stored, size, f, l], d.model.allocRangeEnabled ? 'same' : 'einval');
      break;
    }
  }
  d.checkTree('tree', false);
}

/** True where the cursor model is defined: some entry other than a lone `[0, 0]`. */
export function cursorComparable(model: MapleModel<unknown>): boolean {
  if (model.isEmpty) return false;
  if (model.size > 1) return true;
  const only = model.find(0)!;
  return !(only.first === 0 && only.last === 0);
}
