/**
 * The Linux kernel's own ANSWERS to reads and searches, replayed against
 * core. Each case of fixtures/answers-6.12.json names a seeded script
 * (src/answers/sequences.ts) mixing stores, erases, inserts and allocations
 * with mtree_load, mt_find, mt_next, mt_prev and the cursor calls (mas_walk,
 * mas_find, mas_find_rev, mas_next, mas_prev, mas_next_range, mas_prev_range,
 * mas_empty_area, mas_empty_area_rev, mas_store, mas_erase) on plain and
 * gap-tracking trees, with keys near 0, across 2^32, near 2^46 and at the top
 * of the index space, and holds what Linux 6.12's lib/maple_tree.c answered,
 * recorded by tools/kernel-oracle: the entries, the cursor's index and last,
 * errors, the starts of allocations, node counts and heights after writes and
 * the final shape, as a checksum per block of 40 answer lines.
 *
 * To record the fixture again (needs a kernel tree; see tools/kernel-oracle/README.md):
 *   node tools/kernel-oracle/run.mjs answers --seed 42 --cases 24 --fixture test/kernel/fixtures/answers-6.12.json
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ANSWER_BLOCK, type AnswerFixture, answerBlocks, scriptChecksum } from '../../src/answers/fixture.js';
import { answerOnCore } from '../../src/answers/replay.js';
import { answerCaseName, generateAnswerScript, scriptRuleBreak } from '../../src/answers/sequences.js';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/answers-6.12.json', import.meta.url), 'utf8'),
) as AnswerFixture;

describe('the answers fixture', () => {
  it('holds plain and gap-tracking trees, long scripts and every call', () => {
    expect(fixture.cases.some((c) => c.alloc)).toBe(true);
    expect(fixture.cases.some((c) => !c.alloc)).toBe(true);
    expect(fixture.cases.filter((c) => c.stop === undefined && c.size >= 1000).length).toBeGreaterThan(0);
    const commands = new Set(
      fixture.cases.flatMap((c) => generateAnswerScript(c).map((l) => l.split(' ')[0])),
    );
    for (const call of [
      'load',
      'find',
      'next',
      'prev',
      'insert',
      'alloc',
      'ralloc',
      'mas_walk',
      'mas_find',
      'mas_find_rev',
      'mas_next',
      'mas_prev',
      'mas_next_range',
      'mas_prev_range',
      'mas_empty_area',
      'mas_empty_area_rev',
      'mas_store',
      'mas_erase',
    ]) {
      expect(commands.has(call), call).toBe(true);
    }
  });

  it('keeps the rules the oracle needs in every script', () => {
    for (const c of fixture.cases)
      expect(scriptRuleBreak(generateAnswerScript(c)), answerCaseName(c)).toBe(-1);
    expect(scriptRuleBreak(['tree', 'store 1 2 3', 'mas_next max'])).toBe(2);
    expect(scriptRuleBreak(['tree', 'mas_walk', 'mas_empty_area 0 max 1'])).toBe(2);
    expect(scriptRuleBreak(['tree', 'store 1 2 3', 'mas_pause', 'mas_next max'])).toBe(-1);
  });
});

describe('core answers as Linux 6.12 does (fixtures/answers-6.12.json)', () => {
  for (const c of fixture.cases) {
    it(answerCaseName(c), () => {
      const script = generateAnswerScript(c);
      expect(scriptChecksum(script), 'the generator still makes the recorded script').toBe(c.script);
      const core = answerOnCore(script).slice(0, c.compared);
      expect(core.length).toBe(c.compared);
      if (c.output) expect(core).toEqual(c.output);
      const blocks = answerBlocks(core);
      const bad = blocks.findIndex((b, i) => b !== c.blocks[i]);
      if (bad >= 0) {
        // Show the script lines and core's answers in the first block that differs.
        const from = bad * ANSWER_BLOCK;
        const shown = core
          .slice(from, from + ANSWER_BLOCK)
          .map((answer, k) => `${script[from + k] ?? ''}  ->  ${answer}`);
        expect(
          shown.join('\n'),
          `answer lines ${from}..${from + ANSWER_BLOCK - 1} (kernel checksum ${c.blocks[bad]})`,
        ).toBe(`the kernel's answers (checksum ${c.blocks[bad]})`);
      }
      expect(blocks).toEqual(c.blocks);
    });
  }
});
