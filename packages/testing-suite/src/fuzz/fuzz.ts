/**
 * The differential fuzzer's engine: generates cases with fast-check, runs
 * each on a fresh tree and on the model, and on the first difference lets
 * fast-check shrink the case to a minimal one, printed as a vitest test.
 *
 * Work is done in batches of `batchRuns` cases, batch `k` using seed
 * `seed + k`, so a time-bounded run is still reproducible: the report names
 * the batch seed that failed.
 */
import fc from 'fast-check';
import { DiffDriver, Mismatch } from './compare.js';
import { emitTest } from './emit.js';
import { interpret } from './interpret.js';
import { caseArb, type FuzzCase } from './ops.js';
import type { TreeFactory } from './subject.js';

/** How long and how hard to fuzz. */
export interface FuzzOptions {
  /** Makes the tree under test. */
  factory: TreeFactory;
  /** Base seed; batch k uses seed + k. */
  seed: number;
  /** Stop after this many seconds (checked between batches)... */
  seconds?: number;
  /** ...or after this many batches, whichever comes first (default: 1 when no seconds). */
  batches?: number;
  /** Cases per batch (default 100). */
  batchRuns?: number;
  /** Longest operation sequence per case (default 80). */
  maxOps?: number;
  /** Operation kinds and cursor moves (`cursor.find`) to leave out. */
  exclude?: readonly string[];
  /** Called after each case with running totals. */
  onProgress?: (progress: FuzzProgress) => void;
}

/** Running totals. */
export interface FuzzProgress {
  cases: number;
  ops: number;
  elapsedMs: number;
}

/** What a fuzz run found. */
export interface FuzzReport extends FuzzProgress {
  ok: boolean;
  seed: number;
  batches: number;
  failure?: {
    /** The seed of the batch that failed. */
    seed: number;
    /** The shrunk case. */
    case: FuzzCase;
    /** Why it failed (the mismatch, with the last calls). */
    message: string;
    /** The shrunk case as a vitest test. */
    test: string;
  };
}

/** Runs one case on a fresh tree and the model; throws at the first difference. */
export function runCase(factory: TreeFactory, c: FuzzCase): void {
  const tree = factory({ allocRange: c.allocRange, rcu: c.rcu, maxNodes: c.maxNodes });
  const driver = new DiffDriver(tree, c.allocRange, c.maxNodes !== undefined);
  try {
    interpret(c, driver);
  } catch (error) {
    if (error instanceof Mismatch && tree.dump !== undefined && tree.size <= 64) {
      error.message += `\n tree:\n${tree.dump()}`;
    }
    throw error;
  }
}

/**
 * Fuzzes a tree implementation against the reference model.
 * @returns totals, and the shrunk failing case when one was found
 */
export function fuzz(options: FuzzOptions): FuzzReport {
  const { factory, seed } = options;
  const batchRuns = options.batchRuns ?? 100;
  const maxBatches = options.batches ?? (options.seconds === undefined ? 1 : Number.POSITIVE_INFINITY);
  const deadline =
    options.seconds === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.seconds * 1000;
  const started = Date.now();
  const totals: FuzzProgress = { cases: 0, ops: 0, elapsedMs: 0 };
  let shrinking = false;

  const property = fc.property(caseArb(options.maxOps ?? 80, options.exclude), (c) => {
    if (!shrinking) {
      totals.cases++;
      totals.ops += c.ops.length;
      totals.elapsedMs = Date.now() - started;
      options.onProgress?.(totals);
    }
    try {
      runCase(factory, c);
    } catch (error) {
      shrinking = true;
      throw error;
    }
  });

  let batch = 0;
  for (; batch < maxBatches && Date.now() < deadline; batch++) {
    const result = fc.check(property, { seed: seed + batch, numRuns: batchRuns });
    if (result.failed) {
      const failing = result.counterexample![0];
      const message =
        result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
      totals.elapsedMs = Date.now() - started;
      return {
        ...totals,
        ok: false,
        seed,
        batches: batch + 1,
        failure: {
          seed: seed + batch,
          case: failing,
          message,
          test: emitTest(failing, `fuzz regression (seed ${seed + batch})`, factory),
        },
      };
    }
  }
  totals.elapsedMs = Date.now() - started;
  return { ...totals, ok: true, seed, batches: batch };
}
