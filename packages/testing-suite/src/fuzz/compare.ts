/**
 * The differential driver: makes every call on the tree under test and on
 * the reference model, and throws a {@link Mismatch} at the first answer,
 * exception or shape that differs.
 */
import { MapleError } from '@maple-tree/core';
import { type MapleEntry, MapleModel } from '../model.js';
import type { ModelState } from '../model-state.js';
import type { Check, Driver, Target } from './interpret.js';
import type { StateLike, TreeLike } from './subject.js';

/** Calls that write, and so may be refused with ENOMEM under a node budget. */
export const WRITE_METHODS: ReadonlySet<string> = new Set([
  'store',
  'storeRange',
  'insert',
  'insertRange',
  'erase',
  'allocRange',
  'allocRangeRev',
]);

/** The tree under test answered differently from the model. */
export class Mismatch extends Error {
  override name = 'Mismatch';
}

type AnyObject = Record<string, (...args: unknown[]) => unknown>;

/** Calls a method by name; `entries` is spread so that lazy errors surface. */
export function invoke(target: unknown, method: string, args: unknown[]): unknown {
  const fn = (target as AnyObject)[method];
  if (typeof fn !== 'function') throw new Mismatch(`no method ${method}`);
  const out = fn.apply(target, args);
  return method === 'entries' ? [...(out as Iterable<unknown>)] : out;
}

/** Formats a value for messages and emitted code. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

function sameAnswer(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameAnswer(x, b[i]));
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const x = a as MapleEntry<unknown>;
    const y = b as MapleEntry<unknown>;
    return x.first === y.first && x.last === y.last && Object.is(x.value, y.value);
  }
  return Object.is(a, b);
}

function einval(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof MapleError && error.code === 'EINVAL') return undefined;
    return `threw ${String(error)} instead of MapleError EINVAL`;
  }
  return 'returned instead of throwing MapleError EINVAL';
}

/** Compares a tree under test with the model call by call. */
export class DiffDriver implements Driver {
  readonly model: MapleModel<unknown>;
  modelCursor: ModelState<unknown> | undefined;
  private cursor: StateLike<unknown> | undefined;
  private modelClone: MapleModel<unknown> | undefined;
  private clone: TreeLike<unknown> | undefined;
  private modelIter: LiveModelIterator | undefined;
  private iter: Iterator<MapleEntry<unknown>> | undefined;
  refused = false;
  /** Calls made so far, for the failure message. */
  readonly log: string[] = [];

  constructor(
    private readonly subject: TreeLike<unknown>,
    allocRange: boolean,
    /** Set when the tree has a node budget: a write it refuses with ENOMEM must change nothing. */
    private readonly budgeted = false,
  ) {
    this.model = new MapleModel<unknown>({ allocRange });
  }

  /** The model a write on `target` changes (the clone's model for the clone). */
  private modelTree(target: Target): MapleModel<unknown> | undefined {
    return target === 'clone' ? this.modelClone : this.model;
  }

  private pair(target: Target): [unknown, unknown] {
    if (target === 'tree') return [this.model, this.subject];
    if (target === 'clone') return [this.modelClone, this.clone];
    return [this.modelCursor, this.cursor];
  }

  private fail(what: string): never {
    const recent = this.log.slice(-8).join('\n  ');
    throw new Mismatch(`${what}\n last calls:\n  ${recent}`);
  }

  call(target: Target, method: string, args: unknown[], check: Check): unknown {
    const [m, s] = this.pair(target);
    const text = `${target}.${method}(${args.map(show).join(', ')})`;
    this.log.push(text);
    this.refused = false;
    if (check === 'einval') {
      const modelProblem = einval(() => invoke(m, method, args));
      if (modelProblem) throw new Error(`fuzzer bug: model ${text} ${modelProblem}`);
      const problem = einval(() => invoke(s, method, args));
      if (problem) this.fail(`${text} ${problem}`);
      return undefined;
    }
    const writes = this.budgeted && WRITE_METHODS.has(method);
    const before = writes ? this.modelTree(target)?.clone() : undefined;
    let expected: unknown;
    try {
      expected = invoke(m, method, args);
    } catch (error) {
      if (!(error instanceof MapleError)) throw error;
      // the model refuses the call: the tree must refuse it the same way
      const problem = einval(() => invoke(s, method, args));
      if (problem) this.fail(`${text} ${problem}`);
      return undefined;
    }
    let actual: unknown;
    try {
      actual = invoke(s, method, args);
    } catch (error) {
      if (before !== undefined && error instanceof MapleError && error.code === 'ENOMEM') {
        // refused for the node budget: the tree must be as it was, so the model goes back too
        this.modelTree(target)!.assign(before);
        this.refused = true;
        return undefined;
      }
      this.fail(`${text} threw ${String(error)}; the model returned ${show(expected)}`);
    }
    if (check === 'same' && !sameAnswer(actual, expected)) {
      this.fail(`${text} returned ${show(actual)}; the model returned ${show(expected)}`);
    }
    return expected;
  }

  list(target: Target, method: 'entries' | 'forEach', args: unknown[]): void {
    const [m, s] = this.pair(target);
    const collect = (t: unknown): unknown[] => {
      if (method === 'entries') return invoke(t, 'entries', args) as unknown[];
      const out: unknown[] = [];
      invoke(t, 'forEach', [
        (value: unknown, first: number, last: number) => out.push({ first, last, value }),
        ...args,
      ]);
      return out;
    };
    const text = `${target}.${method}(${args.map(show).join(', ')})`;
    this.log.push(text);
    const expected = collect(m);
    let actual: unknown[];
    try {
      actual = collect(s);
    } catch (error) {
      this.fail(`${text} threw ${String(error)}`);
    }
    if (!sameAnswer(actual, expected))
      this.fail(`${text} gave ${show(actual)}; the model gave ${show(expected)}`);
  }

  newCursor(first: number, last: number): void {
    this.log.push(`cursor = tree.state(${first}, ${last})`);
    this.modelCursor = this.model.state(first, last);
    this.cursor = this.subject.state(first, last);
  }

  cursorRange(): void {
    const m = this.modelCursor!;
    const s = this.cursor!;
    if (m.index !== s.index || m.last !== s.last) {
      this.fail(`cursor at [${s.index}, ${s.last}]; the model's at [${m.index}, ${m.last}] (${m.status})`);
    }
  }

  newClone(): void {
    this.log.push('clone = tree.clone()');
    this.modelClone = this.model.clone();
    this.clone = this.subject.clone();
  }

  newIterator(first: number, last: number): void {
    this.log.push(`iter = tree.entries(${first}, ${last})`);
    this.modelIter = new LiveModelIterator(this.model, first, last);
    this.iter = this.subject.entries(first, last);
  }

  iteratorNext(): void {
    this.log.push('iter.next()');
    const expected = this.modelIter!.step();
    const actual = this.iter!.next();
    const got = actual.done ? undefined : actual.value;
    if (!sameAnswer(got, expected))
      this.fail(`iter.next() gave ${show(got)}; the model gave ${show(expected)}`);
  }

  /** Always compares everything; `full` only decides how much a printed test spells out. */
  checkTree(target: Target, _full: boolean): void {
    const [m, s] = this.pair(target) as [MapleModel<unknown>, TreeLike<unknown>];
    try {
      s.validate?.();
    } catch (error) {
      this.fail(`${target}.validate() threw ${String(error)}`);
    }
    if (s.size !== m.size) this.fail(`${target}.size is ${s.size}; the model has ${m.size}`);
    if (s.isEmpty !== m.isEmpty) this.fail(`${target}.isEmpty is ${s.isEmpty}`);
    const actual = [...s];
    const expected = [...m];
    if (!sameAnswer(actual, expected))
      this.fail(`${target} holds ${show(actual)}; the model holds ${show(expected)}`);
  }
}

/**
 * The model's side of a live iterator: API.md says an iterator stays valid
 * across writes and continues after the last range it returned, so each
 * step is a fresh `find` past that range.
 */
export class LiveModelIterator {
  private after: number;
  private done = false;

  constructor(
    private readonly model: MapleModel<unknown>,
    first: number,
    private readonly max: number,
  ) {
    this.after = first - 1;
  }

  /** The next entry, or undefined once the iteration has ended. */
  step(): MapleEntry<unknown> | undefined {
    if (this.done || this.after >= this.max) {
      this.done = true;
      return undefined;
    }
    const e = this.model.find(this.after + 1, this.max);
    if (e === undefined) this.done = true;
    else this.after = e.last;
    return e;
  }
}
