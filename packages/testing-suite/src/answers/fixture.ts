/**
 * The file format of the kernel answer fixtures (test/kernel/fixtures/answers-*.json):
 * for each seeded {@link AnswerCase}, the kernel oracle's output for its
 * script, kept as a checksum per block of {@link ANSWER_BLOCK} output lines
 * (and in full for short scripts, a readable sample).
 * tools/kernel-oracle/answers.ts writes them; test/kernel/kernel-answers.test.ts
 * replays them against core.
 */
import { shapeChecksum } from '../shapes/fixture.js';
import type { AnswerCase } from './sequences.js';

/** Output lines per checksummed block. */
export const ANSWER_BLOCK = 40;

/** One case's kernel output. */
export interface AnswerFixtureCase extends AnswerCase {
  /** Output lines in all, `tree` first and the final dump's `end` last. */
  readonly lines: number;
  /** {@link answerBlocks} of the kernel's output. */
  readonly blocks: readonly string[];
  /** The kernel's output itself, kept for short scripts. */
  readonly output?: readonly string[];
}

/** A fixture file. */
export interface AnswerFixture {
  /** Where the answers come from (kernel version and tool). */
  readonly source: string;
  readonly cases: readonly AnswerFixtureCase[];
}

/** Checksums (FNV-1a, as shape checksums) of `output` cut into blocks of {@link ANSWER_BLOCK} lines. */
export function answerBlocks(output: readonly string[]): string[] {
  const blocks: string[] = [];
  for (let i = 0; i < output.length; i += ANSWER_BLOCK)
    blocks.push(shapeChecksum(output.slice(i, i + ANSWER_BLOCK)));
  return blocks;
}
