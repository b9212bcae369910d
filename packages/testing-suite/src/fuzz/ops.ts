/**
 * The fuzzer's operations and the fast-check arbitraries that generate them.
 *
 * An operation is plain JSON so that a failing sequence can be printed,
 * shrunk and replayed. Values are small integer codes (see {@link decodeValue})
 * so that falsy values (`0`, `null`, `false`, `''`) and `undefined` (an
 * erasing store) all appear.
 *
 * Indices are biased toward where maple trees break: a small space where
 * ranges collide, node-sized strides (16 slots per leaf, 10 per gap-tracking
 * internal node), the top of the index space and a few powers of two.
 *
 * A cursor session interleaves the cursor's steps with writes to the tree
 * under it. Those writes are mostly placed relative to the range the cursor
 * holds at that moment (see {@link Anchor}), so that the cases cursors get
 * wrong come up often: a write inside the range just returned, one across
 * its `last` or `index`, one right after `set()` or a gap search.
 */
import { MAPLE_MAX } from '@maple-tree/core';
import fc from 'fast-check';

/**
 * Where a write in a cursor session goes, from the cursor's `[index, last]`
 * at that moment and two small offsets `a`, `b` (clamped to the index space):
 * - `in`: `[index + a, + b]` inside the range; `inEnd`: `[last - a - b, last - a]` inside;
 * - `acrossLast`: `[last - a, last + 1 + b]`; `acrossIndex`: `[index - 1 - b, index + a]`;
 * - `after`: `[last + 1 + a, + b]`; `before`: `[index - 1 - a - b, index - 1 - a]`;
 * - `cover`: `[index - a, last + b]`; `abs`: `[a, b]` as given.
 */
export type Anchor = 'in' | 'inEnd' | 'acrossLast' | 'acrossIndex' | 'after' | 'before' | 'cover' | 'abs';

/** A write to the tree (not through the cursor) between cursor steps. */
export type TreeWrite = 'store' | 'storeRange' | 'erase' | 'insert' | 'insertRange' | 'alloc' | 'allocRev';

/** A cursor move inside a cursor session. */
export type Move =
  | { m: 'walk' }
  | { m: 'find' | 'findRev' | 'next' | 'prev' | 'nextRange' | 'prevRange'; lim: number }
  | { m: 'pause' | 'reset' | 'erase' }
  | { m: 'set'; i: number }
  | { m: 'setRange'; f: number; l: number }
  | { m: 'store'; v: number }
  /** A gap search through the cursor; with `v`, the fit is then filled with it (as mtree_alloc_range). */
  | { m: 'emptyArea'; min: number; max: number; size: number; rev: boolean; v?: number }
  | { m: 'write'; w: TreeWrite; at: Anchor; a: number; b: number; v: number }
  | { m: 'bad'; call: string; args: unknown[] };

/** A bad call: must throw `MapleError('EINVAL')` and change nothing. */
export type BadCall = { call: string; args: unknown[] };

/** One fuzzer operation. `v` is a value code; -1 means `undefined`. */
export type Op =
  | { k: 'store'; i: number; v: number }
  | { k: 'storeRange'; f: number; l: number; v: number }
  | { k: 'insert'; i: number; v: number }
  | { k: 'insertRange'; f: number; l: number; v: number }
  | { k: 'erase'; i: number }
  | { k: 'fill'; start: number; step: number; width: number; count: number; v: number }
  | { k: 'load'; i: number }
  | { k: 'find'; i: number; lim?: number }
  | { k: 'next'; i: number; lim?: number }
  | { k: 'prev'; i: number; lim?: number }
  | { k: 'entries' | 'forEach'; f?: number; l?: number }
  | { k: 'emptyArea'; min: number; max: number; size: number; rev: boolean }
  | { k: 'alloc'; v: number; size: number; min: number; max: number; rev: boolean }
  | { k: 'cursor'; f: number; l: number; moves: Move[] }
  | { k: 'iterWrite'; f: number; l: number; writes: Array<[number, number, number]> }
  | { k: 'clone'; writes: Array<[number, number, number]> }
  | { k: 'clear' }
  | { k: 'bad'; bad: BadCall };

/** A whole fuzz case: how the tree is made and what is done to it. */
export interface FuzzCase {
  allocRange: boolean;
  rcu: boolean;
  /** Node budget of the tree, when the case tests ENOMEM (absent mostly). */
  maxNodes?: number;
  ops: Op[];
}

/** Turns a value code into the value stored: -1 undefined, 0..3 falsy values, else the code. */
export function decodeValue(code: number): unknown {
  switch (code) {
    case -1:
      return undefined;
    case 0:
      return 0;
    case 1:
      return null;
    case 2:
      return false;
    case 3:
      return '';
    default:
      return code;
  }
}

const NODE_EDGES = [14, 15, 16, 17, 30, 31, 32, 33, 159, 160, 161, 255, 256, 257, 1023, 1024];
const HIGH_EDGES = [
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32 - 1,
  2 ** 32,
  2 ** 52,
  MAPLE_MAX - 16,
  MAPLE_MAX - 1,
  MAPLE_MAX,
];

/** An index biased toward a small, crowded space and the edges of nodes and of the index space. */
export const indexArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 64 }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 2000 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, ...NODE_EDGES, ...HIGH_EDGES) },
  { weight: 1, arbitrary: fc.integer({ min: MAPLE_MAX - 64, max: MAPLE_MAX }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: MAPLE_MAX }) },
);

const lengthArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 8 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 200 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: MAPLE_MAX }) },
);

/** An inclusive range `[f, l]`, sometimes reaching MAPLE_MAX. */
export const rangeArb: fc.Arbitrary<[number, number]> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(indexArb, lengthArb)
      .map(([f, n]): [number, number] => [f, Math.min(MAPLE_MAX, f + n)]),
  },
  { weight: 1, arbitrary: indexArb.map((f): [number, number] => [f, MAPLE_MAX]) },
);

const valueArb = fc.integer({ min: 0, max: 40 });
const valueOrEraseArb = fc.oneof(
  { weight: 5, arbitrary: valueArb },
  { weight: 1, arbitrary: fc.constant(-1) },
);
const sizeArb = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 12 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: MAPLE_MAX }) },
);

/** A gap search window that is always well formed (size fits the window). */
const areaArb = fc
  .tuple(rangeArb, sizeArb)
  .map(([[min, max], size]) => ({ min, max, size: Math.min(size, max - min + 1) }));

const writeArb = rangeArb.chain(([f, l]) => valueOrEraseArb.map((v): [number, number, number] => [f, l, v]));

/** Offsets of an anchored write: mostly 0..3, sometimes a stride further. */
const offsetArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }) },
);

/** A tree write between cursor steps, mostly placed against the cursor's range. */
const writeMoveArb: fc.Arbitrary<Move> = fc
  .tuple(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom<TreeWrite>('storeRange') },
      { weight: 2, arbitrary: fc.constantFrom<TreeWrite>('store', 'erase') },
      { weight: 1, arbitrary: fc.constantFrom<TreeWrite>('insert', 'insertRange', 'alloc', 'allocRev') },
    ),
    fc.oneof(
      {
        weight: 8,
        arbitrary: fc
          .tuple(
            fc.constantFrom<Anchor>('in', 'inEnd', 'acrossLast', 'acrossIndex', 'after', 'before', 'cover'),
            offsetArb,
            offsetArb,
          )
          .map(([at, a, b]) => ({ at, a, b })),
      },
      { weight: 1, arbitrary: rangeArb.map(([a, b]) => ({ at: 'abs' as Anchor, a, b })) },
    ),
    valueOrEraseArb,
  )
  .map(([w, { at, a, b }, v]): Move => ({ m: 'write', w, at, a, b, v }));

/** A step's limit: anywhere, or the end of the index space either way. */
const limitArb = fc.oneof(
  { weight: 3, arbitrary: indexArb },
  { weight: 1, arbitrary: fc.constantFrom(0, MAPLE_MAX) },
);

const moveArb: fc.Arbitrary<Move> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Move>({ m: 'walk' }) },
  {
    weight: 12,
    arbitrary: fc
      .tuple(fc.constantFrom('find', 'findRev', 'next', 'prev', 'nextRange', 'prevRange' as const), limitArb)
      .map(([m, lim]): Move => ({ m, lim })),
  },
  { weight: 2, arbitrary: fc.constantFrom<Move>({ m: 'pause' }, { m: 'reset' }, { m: 'erase' }) },
  { weight: 2, arbitrary: indexArb.map((i): Move => ({ m: 'set', i })) },
  { weight: 1, arbitrary: rangeArb.map(([f, l]): Move => ({ m: 'setRange', f, l })) },
  { weight: 2, arbitrary: valueOrEraseArb.map((v): Move => ({ m: 'store', v })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(areaArb, fc.boolean(), valueArb)
      .map(([a, rev, v]): Move => ({ m: 'emptyArea', ...a, rev, v })),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(areaArb, fc.boolean()).map(([a, rev]): Move => ({ m: 'emptyArea', ...a, rev })),
  },
  { weight: 9, arbitrary: writeMoveArb },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Move>(
      { m: 'bad', call: 'next', args: [-1] },
      { m: 'bad', call: 'prev', args: [MAPLE_MAX + 1] },
      { m: 'bad', call: 'find', args: [1.5] },
      { m: 'bad', call: 'findRev', args: [Number.NaN] },
      { m: 'bad', call: 'nextRange', args: [-2] },
      { m: 'bad', call: 'prevRange', args: [MAPLE_MAX + 2] },
      { m: 'bad', call: 'set', args: [-1] },
      { m: 'bad', call: 'setRange', args: [5, 4] },
      { m: 'bad', call: 'emptyArea', args: [5, 4, 1] },
      { m: 'bad', call: 'emptyAreaRev', args: [0, 5, 0] },
    ),
  },
);

const badArb: fc.Arbitrary<BadCall> = fc.oneof(
  fc.constantFrom(-1, 1.5, Number.NaN, MAPLE_MAX + 1, Number.POSITIVE_INFINITY).map((i) => ({
    call: 'load',
    args: [i],
  })),
  fc.constantFrom(-1, 0.25, MAPLE_MAX + 1).map((i) => ({ call: 'store', args: [i, 7] })),
  rangeArb
    .filter(([f, l]) => f < l)
    .chain(([f, l]) =>
      fc.constantFrom('storeRange', 'insertRange').map((call) => ({ call, args: [l, f, 7] })),
    ),
  fc.constantFrom(-1, MAPLE_MAX + 1).map((i) => ({ call: 'erase', args: [i] })),
  fc.constantFrom(-1, 2.5).map((i) => ({ call: 'find', args: [i] })),
  fc.constantFrom(-1, MAPLE_MAX + 1).map((i) => ({ call: 'next', args: [i] })),
  fc.constantFrom(-1, MAPLE_MAX + 1).map((i) => ({ call: 'prev', args: [i] })),
  rangeArb.filter(([f, l]) => f < l).map(([f, l]) => ({ call: 'entries', args: [l, f] })),
  rangeArb
    .filter(([f, l]) => f < l)
    .chain(([f, l]) =>
      fc.constantFrom('emptyArea', 'emptyAreaRev').map((call) => ({ call, args: [l, f, 1] })),
    ),
  // a size one past the window must be exact to be wrong, so the window stays below 2^53 - 1 long
  rangeArb
    .filter(([f, l]) => l - f + 2 <= MAPLE_MAX)
    .chain(([f, l]) =>
      fc.constantFrom(0, -1, l - f + 2, 1.5).chain((size) =>
        fc.constantFrom('emptyArea', 'emptyAreaRev', 'allocRange', 'allocRangeRev').map((call) => ({
          call,
          args: call.startsWith('alloc') ? [7, size, f, l] : [f, l, size],
        })),
      ),
    ),
);

/** One operation, weighted toward writes and the reads that cross them. */
export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(indexArb, valueOrEraseArb).map(([i, v]): Op => ({ k: 'store', i, v })) },
  {
    weight: 12,
    arbitrary: fc.tuple(rangeArb, valueOrEraseArb).map(([[f, l], v]): Op => ({ k: 'storeRange', f, l, v })),
  },
  { weight: 2, arbitrary: fc.tuple(indexArb, valueArb).map(([i, v]): Op => ({ k: 'insert', i, v })) },
  {
    weight: 3,
    arbitrary: fc.tuple(rangeArb, valueArb).map(([[f, l], v]): Op => ({ k: 'insertRange', f, l, v })),
  },
  { weight: 4, arbitrary: indexArb.map((i): Op => ({ k: 'erase', i })) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        start: fc.integer({ min: 0, max: 300 }),
        step: fc.integer({ min: 1, max: 20 }),
        width: fc.integer({ min: 0, max: 24 }),
        count: fc.integer({ min: 1, max: 400 }),
        v: valueOrEraseArb,
      })
      .map((r): Op => ({ k: 'fill', ...r })),
  },
  { weight: 3, arbitrary: indexArb.map((i): Op => ({ k: 'load', i })) },
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.constantFrom('find', 'next', 'prev' as const),
        indexArb,
        fc.option(indexArb, { nil: undefined }),
      )
      .map(([k, i, lim]): Op => (lim === undefined ? { k, i } : { k, i, lim })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('entries', 'forEach' as const), fc.option(rangeArb))
      .map(([k, r]): Op => (r === null ? { k } : { k, f: r[0], l: r[1] })),
  },
  {
    weight: 4,
    arbitrary: fc.tuple(areaArb, fc.boolean()).map(([a, rev]): Op => ({ k: 'emptyArea', ...a, rev })),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(areaArb, fc.boolean(), valueArb)
      .map(([a, rev, v]): Op => ({ k: 'alloc', ...a, rev, v })),
  },
  {
    weight: 6,
    arbitrary: fc
      .tuple(rangeArb, fc.array(moveArb, { minLength: 1, maxLength: 16 }))
      .map(([[f, l], moves]): Op => ({ k: 'cursor', f, l, moves })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(rangeArb, fc.array(writeArb, { minLength: 1, maxLength: 4 }))
      .map(([[f, l], writes]): Op => ({ k: 'iterWrite', f, l, writes })),
  },
  {
    weight: 1,
    arbitrary: fc.array(writeArb, { maxLength: 4 }).map((writes): Op => ({ k: 'clone', writes })),
  },
  { weight: 1, arbitrary: fc.constant<Op>({ k: 'clear' }) },
  { weight: 2, arbitrary: badArb.map((bad): Op => ({ k: 'bad', bad })) },
);

/**
 * Drops excluded operations (by `k`) and cursor moves (by `m`, written
 * `cursor.m`) from an operation, or the whole operation when nothing is left.
 */
function without(op: Op, exclude: ReadonlySet<string>): Op | undefined {
  if (exclude.has(op.k)) return undefined;
  if (op.k !== 'cursor') return op;
  const moves = op.moves.filter((mv) => !exclude.has(`cursor.${mv.m}`));
  return moves.length === 0 ? undefined : { ...op, moves };
}

/**
 * A fuzz case: tree flags and up to `maxOps` operations.
 * @param exclude - operation kinds (`erase`, `cursor`, ...) and cursor moves (`cursor.find`) to leave out
 */
export function caseArb(maxOps: number, exclude: readonly string[] = []): fc.Arbitrary<FuzzCase> {
  const skip = new Set(exclude);
  const ops =
    skip.size === 0 ? opArb : opArb.map((op) => without(op, skip)).filter((op): op is Op => op !== undefined);
  return fc
    .record({
      allocRange: fc.boolean(),
      rcu: fc.boolean(),
      // one case in seven runs under a node budget
      maxNodes: fc.oneof(
        { weight: 6, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }) },
      ),
      ops: fc.array(ops, { maxLength: maxOps, size: 'large' }),
    })
    .map(({ maxNodes, ...rest }) => (maxNodes === undefined ? rest : { ...rest, maxNodes }));
}
