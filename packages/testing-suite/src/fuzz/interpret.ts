/**
 * Turns fuzzer operations into calls on a {@link Driver}.
 *
 * The same interpreter runs a case two ways: the differential driver makes
 * every call on the tree under test and on the reference model and compares
 * the answers; the emitting driver makes them on the model only and writes
 * each as a line of a vitest test with the model's answer as the expectation.
 * So the printed reproduction is exactly the sequence that failed.
 */
import type { MapleModel } from '../model.js';
import type { ModelState } from '../model-state.js';
import { cursorSession } from './cursor-session.js';
import { decodeValue, type FuzzCase, type Op } from './ops.js';

/** Which object a call goes to. */
export type Target = 'tree' | 'clone' | 'cursor';

/** How a call's answer is checked. */
export type Check = 'same' | 'void' | 'einval';

/** The calls the interpreter makes; implementations compare or record them. */
export interface Driver {
  /** The model side, for preconditions. */
  readonly model: MapleModel<unknown>;
  readonly modelCursor: ModelState<unknown> | undefined;
  /** True when the last call was a write the tree refused with ENOMEM (node budget). */
  readonly refused: boolean;
  /** Calls `method(...args)` on `target`, checks the answer and returns the model's. */
  call(target: Target, method: string, args: unknown[], check: Check): unknown;
  /** Spreads `entries(...args)` (or collects `forEach`) on `target` and compares the lists. */
  list(target: Target, method: 'entries' | 'forEach', args: unknown[]): void;
  /** Makes a cursor `state(first, last)` on the tree. */
  newCursor(first: number, last: number): void;
  /** Compares the cursor's `[index, last]`. */
  cursorRange(): void;
  /** Makes a clone of the tree. */
  newClone(): void;
  /** Starts an `entries(first, last)` iterator on the tree. */
  newIterator(first: number, last: number): void;
  /** Steps the iterator and compares the step. */
  iteratorNext(): void;
  /** `validate()` plus a comparison of size and contents. */
  checkTree(target: Target, full: boolean): void;
}

const WRITES = new Set<Op['k']>([
  'store',
  'storeRange',
  'insert',
  'insertRange',
  'erase',
  'fill',
  'alloc',
  'clear',
]);

/** Runs a whole case through `d`; a comparing driver throws at the first difference. */
export function interpret(c: FuzzCase, d: Driver): void {
  for (const op of c.ops) {
    runOp(op, d);
    if (WRITES.has(op.k)) d.checkTree('tree', op.k === 'fill' || op.k === 'clear');
  }
  d.checkTree('tree', true);
}

function runOp(op: Op, d: Driver): unknown {
  switch (op.k) {
    case 'store':
      d.call('tree', 'store', [op.i, decodeValue(op.v)], 'void');
      return;
    case 'storeRange':
      return d.call('tree', 'storeRange', [op.f, op.l, decodeValue(op.v)], 'void');
    case 'insert':
      return d.call('tree', 'insert', [op.i, decodeValue(op.v)], 'same');
    case 'insertRange':
      return d.call('tree', 'insertRange', [op.f, op.l, decodeValue(op.v)], 'same');
    case 'erase':
      return d.call('tree', 'erase', [op.i], 'same');
    case 'fill':
      return fill(op, d);
    case 'load':
      return d.call('tree', 'load', [op.i], 'same');
    case 'find':
    case 'next':
    case 'prev':
      return d.call('tree', op.k, op.lim === undefined ? [op.i] : [op.i, op.lim], 'same');
    case 'entries':
    case 'forEach':
      return d.list('tree', op.k, op.f === undefined ? [] : [op.f, op.l]);
    case 'emptyArea':
      return d.call('tree', op.rev ? 'emptyAreaRev' : 'emptyArea', [op.min, op.max, op.size], 'same');
    case 'alloc': {
      const args = [decodeValue(op.v), op.size, op.min, op.max];
      const method = op.rev ? 'allocRangeRev' : 'allocRange';
      return d.call('tree', method, args, d.model.allocRangeEnabled ? 'same' : 'einval');
    }
    case 'cursor':
      return cursorSession(op.f, op.l, op.moves, d);
    case 'iterWrite':
      return iterateWhileWriting(op.f, op.l, op.writes, d);
    case 'clone':
      d.newClone();
      d.checkTree('clone', true);
      for (const [f, l, v] of op.writes) {
        d.call('clone', 'storeRange', [f, l, decodeValue(v)], 'void');
        d.checkTree('clone', true);
      }
      return d.checkTree('tree', true);
    case 'clear':
      return d.call('tree', 'clear', [], 'void');
    case 'bad':
      d.call('tree', op.bad.call, op.bad.args, 'einval');
      return d.checkTree('tree', true);
  }
}

/** `storeRange(start + step * n, + width)` for n < count: builds multi-level trees quickly. */
function fill(op: Extract<Op, { k: 'fill' }>, d: Driver): void {
  for (let n = 0; n < op.count; n++) {
    const first = op.start + op.step * n;
    const v = op.v < 0 ? -1 : op.v + (n % 7);
    d.call('tree', 'storeRange', [first, first + op.width, decodeValue(v)], 'void');
  }
}

/** Iterates `entries(first, last)` while writing to the tree between steps. */
function iterateWhileWriting(
  first: number,
  last: number,
  writes: Array<[number, number, number]>,
  d: Driver,
): void {
  d.newIterator(first, last);
  for (const [f, l, v] of writes) {
    d.iteratorNext();
    d.call('tree', 'storeRange', [f, l, decodeValue(v)], 'void');
    d.checkTree('tree', false);
  }
  d.iteratorNext();
  d.iteratorNext();
}
