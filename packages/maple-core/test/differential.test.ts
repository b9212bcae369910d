/**
 * Property-based differential tests: random operation sequences run on the
 * tree and on a brute-force model (a sorted array of ranges); after every
 * write the tree must validate and agree with the model.
 */

import fc from 'fast-check';
import { describe, it } from 'vitest';
import { MAPLE_MAX } from '../src/errors.js';
import { MapleTree, type MapleTreeOptions } from '../src/tree.js';
import { contents, expectValid } from './helpers.js';
import { RangeModel } from './model.js';

type Op =
  | { kind: 'store'; first: number; len: number; value: number | undefined }
  | { kind: 'insert'; first: number; len: number; value: number }
  | { kind: 'erase'; index: number }
  | { kind: 'alloc'; min: number; span: number; size: number; rev: boolean; value: number }
  | { kind: 'query'; index: number; span: number; size: number };

/**
 * Where a test's keys live: key k of the small space is `base + k * mult`.
 * Spreading keys out makes nodes whose pivots span more than 32 bits (wide
 * pivot blocks) or sit near MAPLE_MAX.
 */
interface KeyScale {
  base: number;
  mult: number;
}

const UNSCALED: KeyScale = { base: 0, mult: 1 };

/** Keys cluster in a small space so that ranges collide, with the odd huge range. */
function opArb(space: number, scale: KeyScale = UNSCALED): fc.Arbitrary<Op> {
  const { base, mult } = scale;
  const index = fc.integer({ min: 0, max: space }).map((k) => base + k * mult);
  const len = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 3 }) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: space >> 3 }).map((l) => l * mult) },
    { weight: 1, arbitrary: fc.constantFrom(space * mult, MAPLE_MAX) },
  );
  const value = fc.integer({ min: 1, max: 1_000_000 });
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('store' as const),
        first: index,
        len,
        value: fc.option(value, { freq: 4, nil: undefined }),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('insert' as const), first: index, len, value }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('erase' as const), index }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('alloc' as const),
        min: index,
        span: fc.integer({ min: 0, max: space }).map((l) => l * mult),
        size: fc.integer({ min: 1, max: 8 }),
        rev: fc.boolean(),
        value,
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('query' as const),
        index,
        span: fc.integer({ min: 0, max: space }).map((l) => l * mult),
        size: fc.integer({ min: 1, max: 20 }),
      }),
    },
  );
}

function describeOp(op: Op): string {
  return JSON.stringify(op);
}

function run(
  options: MapleTreeOptions,
  prefix: number,
  ops: Op[],
  bulk = false,
  scale: KeyScale = UNSCALED,
): void {
  const model = new RangeModel<number>();
  // A dense prefix gives the random operations a tree of height 2-4 to work on,
  // made by one store per range or by the bulk build.
  const { base, mult } = scale;
  for (let i = 0; i < prefix; i++) model.store(base + i * 4 * mult, base + (i * 4 + 2) * mult, i + 1);
  const tree = bulk ? MapleTree.from(model.ranges, options) : new MapleTree<number>(options);
  if (!bulk) for (const r of model.ranges) tree.storeRange(r.first, r.last, r.value);
  expectValid(tree, 'prefix');
  try {
    for (let step = 0; step < ops.length; step++) applyOp(tree, model, options, ops[step] as Op, step);
  } catch (error) {
    // Show the tree with the failure (expectValid already attaches it to invariant failures).
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes('maple tree:')) throw error;
    throw new Error(`${message}\n${tree.dump().slice(0, 6000)}`);
  }
  const want = model.ranges.map((r) => `${r.first}-${r.last}:${r.value}`).join(',');
  if (contents(tree) !== want)
    throw new Error(
      `contents differ\n tree  ${contents(tree)}\n model ${want}\n${tree.dump().slice(0, 6000)}`,
    );
}

function applyOp(
  tree: MapleTree<number>,
  model: RangeModel<number>,
  options: MapleTreeOptions,
  op: Op,
  step: number,
): void {
  const where = `step ${step}: ${describeOp(op)}`;
  switch (op.kind) {
    case 'store': {
      const last = Math.min(MAPLE_MAX, op.first + op.len);
      tree.storeRange(op.first, last, op.value);
      model.store(op.first, last, op.value);
      break;
    }
    case 'insert': {
      const last = Math.min(MAPLE_MAX, op.first + op.len);
      const ok = tree.insertRange(op.first, last, op.value);
      const free = model.find(op.first, last) === undefined;
      if (ok !== free) throw new Error(`insert answered ${ok}, model says free=${free}; ${where}`);
      if (ok) model.store(op.first, last, op.value);
      break;
    }
    case 'erase': {
      const r = model.rangeAt(op.index);
      const got = tree.erase(op.index);
      if (got !== r?.value) throw new Error(`erase returned ${got}, expected ${r?.value}; ${where}`);
      if (r) model.store(r.first, r.last, undefined);
      break;
    }
    case 'alloc': {
      if (!options.allocRange) break;
      const max = Math.min(MAPLE_MAX, op.min + op.span);
      if (op.size > max - op.min + 1) break;
      const want = model.emptyArea(op.min, max, op.size, op.rev);
      const got = op.rev
        ? tree.allocRangeRev(op.value, op.size, op.min, max)
        : tree.allocRange(op.value, op.size, op.min, max);
      if (got !== want) throw new Error(`alloc returned ${got}, expected ${want}; ${where}`);
      if (want !== undefined) model.store(want, want + op.size - 1, op.value);
      break;
    }
    case 'query': {
      const max = Math.min(MAPLE_MAX, op.index + op.span);
      const load = tree.load(op.index);
      if (load !== model.load(op.index))
        throw new Error(`load(${op.index}) = ${load}, expected ${model.load(op.index)}`);
      const f = tree.find(op.index, max);
      const fm = model.find(op.index, max);
      if (f?.first !== fm?.first || f?.last !== fm?.last)
        throw new Error(`find(${op.index}, ${max}) = ${JSON.stringify(f)}, expected ${JSON.stringify(fm)}`);
      if (op.size <= max - op.index + 1) {
        for (const rev of [false, true]) {
          const got = rev
            ? tree.emptyAreaRev(op.index, max, op.size)
            : tree.emptyArea(op.index, max, op.size);
          const want = model.emptyArea(op.index, max, op.size, rev);
          if (got !== want)
            throw new Error(
              `emptyArea${rev ? 'Rev' : ''}(${op.index}, ${max}, ${op.size}) = ${got}, expected ${want}`,
            );
        }
      }
      const held = model.rangeAt(op.index);
      const after = model.ranges.find((r) => r.first > (held ? held.last : op.index));
      const n = tree.next(op.index);
      if (n?.first !== after?.first)
        throw new Error(`next(${op.index}) = ${JSON.stringify(n)}, expected ${JSON.stringify(after)}`);
      const before = [...model.ranges].reverse().find((r) => r.last < (held ? held.first : op.index));
      const p = tree.prev(op.index);
      if (p?.first !== before?.first)
        throw new Error(`prev(${op.index}) = ${JSON.stringify(p)}, expected ${JSON.stringify(before)}`);
      return;
    }
  }
  expectValid(tree, where);
  if (tree.size !== model.ranges.length)
    throw new Error(`size ${tree.size}, model ${model.ranges.length}; ${where}`);
}

const modes: [string, MapleTreeOptions][] = [
  ['plain', {}],
  ['gap tracking', { allocRange: true }],
  ['rcu', { rcu: true }],
  ['gap tracking + rcu', { allocRange: true, rcu: true }],
];

describe('differential against a range model', () => {
  for (const [name, options] of modes) {
    it(`${name}: small key space, empty start`, () => {
      fc.assert(
        fc.property(fc.array(opArb(64), { maxLength: 120 }), (ops) => run(options, 0, ops)),
        { numRuns: 150 },
      );
    });
    it(`${name}: on a tree of height 2-4`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 20, max: 1500 }),
          fc.array(opArb(6000), { maxLength: 80 }),
          (prefix, ops) => run(options, prefix, ops),
        ),
        { numRuns: 60 },
      );
    });
  }
});

describe('differential with keys spread over the 53-bit space (32- and 64-bit pivots)', () => {
  // 2^27 + 1 apart: 64-bit pivots from the first keys; around 2^31 - 1: a tree
  // with 32-bit pivots that turns wide in mid-run; near the top: keys up to MAPLE_MAX.
  const scales: [string, KeyScale][] = [
    ['keys past 2^31', { base: 0, mult: 2 ** 27 + 1 }],
    ['keys around 2^31 - 1', { base: 2 ** 31 - 1 - 3000 * 4, mult: 1 }],
    ['at the top of the key space', { base: MAPLE_MAX - 6000 * (2 ** 30 + 7), mult: 2 ** 30 + 7 }],
  ];
  for (const [name, scale] of scales) {
    for (const [mode, options] of [modes[0], modes[3]] as [string, MapleTreeOptions][]) {
      it(`${name}, ${mode}`, () => {
        fc.assert(
          fc.property(
            fc.integer({ min: 20, max: 1500 }),
            fc.boolean(),
            fc.array(opArb(6000, scale), { maxLength: 60 }),
            (prefix, bulk, ops) => run(options, prefix, ops, bulk, scale),
          ),
          { numRuns: 30 },
        );
      });
    }
  }
});
