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
  /** {@link scriptChecksum} of the case's script: the generator must still make the recorded one. */
  readonly script: string;
  /**
   * Output lines compared, `tree` first: all of them (the final dump's `end`
   * last), or those before the `stop` line where the oracle stopped the script.
   */
  readonly compared: number;
  /** Why the oracle stopped the script early (its `stop` line), if it did. */
  readonly stop?: string;
  /** {@link answerBlocks} of the kernel's output, its first `compared` lines. */
  readonly blocks: readonly string[];
  /** Those lines themselves, kept for short scripts (a readable sample). */
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
  for (let i = 0; i < output.length; i += ANSWER_BLOCK) {
    blocks.push(shapeChecksum(output.slice(i, i + ANSWER_BLOCK)));
  }
  return blocks;
}

/** The checksum of a script's lines (the same FNV-1a). */
export function scriptChecksum(script: readonly string[]): string {
  return shapeChecksum(script);
}
