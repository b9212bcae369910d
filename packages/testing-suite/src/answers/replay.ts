/**
 * Runs an answers script (src/answers/sequences.ts) on `@maple-tree/core` and
 * answers each line the way the kernel oracle (tools/kernel-oracle/oracle.c)
 * answers it on Linux's tree, so that the two outputs compare line by line:
 *
 *   load I                ->  E                        (E: the value, or N)
 *   find I MAX            ->  E I'                     (I': mt_find's *index after the call)
 *   next I MAX, prev I MIN ->  E
 *   store / erase / dump  ->  as src/shapes/replay.ts answers them
 *   insert F L V          ->  NODES HEIGHT, or err -17
 *   alloc / ralloc ...    ->  START NODES HEIGHT, or err -16 (no room) / err -22
 *   mas_set ... mas_pause ->  ok
 *   mas_walk, mas_find .. ->  E INDEX LAST
 *   mas_empty_area(_rev)  ->  INDEX LAST, or err CODE
 *   mas_store V           ->  INDEX LAST NODES HEIGHT
 *   mas_erase             ->  E INDEX LAST NODES HEIGHT
 *
 * A MapleError thrown by core answers `err -ERRNO`, as the kernel's calls
 * return it.
 */
import { MAPLE_MAX, MapleError, type MapleState, type MapleTree } from '@maple-tree/core';
import { applyOp, caseTree, dumpLines, indexText, parseIndex } from '../shapes/replay.js';

/** The kernel's errno for each of core's error codes. */
const ERRNO: Record<string, number> = { EINVAL: 22, ENOMEM: 12, EBUSY: 16, EEXIST: 17 };

function entryText(value: number | undefined): string {
  return value === undefined ? 'N' : String(value);
}

/** A value token: `null` is no entry (undefined here), else a number. */
function parseValue(text: string | undefined): number | undefined {
  if (text === 'null') return undefined;
  if (text === undefined || !/^\d+$/.test(text)) throw new RangeError(`bad value ${JSON.stringify(text)}`);
  return Number(text);
}

/** A tree and its one cursor, as the oracle keeps them. */
interface Session {
  readonly tree: MapleTree<number>;
  readonly mas: MapleState<number>;
}

function shape(tree: MapleTree<number>): string {
  return `${tree.nodeCount} ${tree.height}`;
}

function cursorAnswer(mas: MapleState<number>, value: number | undefined): string {
  return `${entryText(value)} ${indexText(mas.index)} ${indexText(mas.last)}`;
}

/** The answer to one line other than `tree` and `dump`. @throws RangeError on a line it cannot read */
function answerLine(s: Session, line: string): string {
  const [cmd, ...args] = line.split(' ');
  const n = (i: number) => parseIndex(args[i]);
  const { tree, mas } = s;
  switch (cmd) {
    case 'store':
      return applyOp(tree, { op: 'store', first: n(0), last: n(1), value: parseValue(args[2]) ?? null });
    case 'erase':
      return applyOp(tree, { op: 'erase', index: n(0) });
    case 'load':
      return entryText(tree.load(n(0)));
    case 'find': {
      const found = tree.find(n(0), n(1));
      if (found === undefined) return `N ${indexText(n(0))}`;
      // mt_find moves *index past the entry, wrapping to 0 after the top.
      return `${found.value} ${found.last === MAPLE_MAX ? '0' : indexText(found.last + 1)}`;
    }
    case 'next':
      return entryText(tree.next(n(0), n(1))?.value);
    case 'prev':
      // The oracle skips mt_prev where 6.12 answers the root's entry at 0 below min.
      if (tree.nodeCount === 0 && !tree.isEmpty && n(0) > n(1) && n(1) > 0) return 'skip';
      return entryText(tree.prev(n(0), n(1))?.value);
    case 'insert':
      return tree.insertRange(n(0), n(1), parseValue(args[2]) as number) ? shape(tree) : 'err -17';
    case 'alloc':
    case 'ralloc': {
      const value = parseValue(args[3]) as number;
      const size = Number(args[0]);
      const start =
        cmd === 'alloc'
          ? tree.allocRange(value, size, n(1), n(2))
          : tree.allocRangeRev(value, size, n(1), n(2));
      return start === undefined ? 'err -16' : `${indexText(start)} ${shape(tree)}`;
    }
    case 'mas_set':
      mas.set(n(0));
      return 'ok';
    case 'mas_set_range':
      mas.setRange(n(0), n(1));
      return 'ok';
    case 'mas_reset':
      mas.reset();
      return 'ok';
    case 'mas_pause':
      mas.pause();
      return 'ok';
    case 'mas_walk':
      return cursorAnswer(mas, mas.walk());
    case 'mas_find':
      return cursorAnswer(mas, mas.find(n(0)));
    case 'mas_find_rev':
      return cursorAnswer(mas, mas.findRev(n(0)));
    case 'mas_next':
      return cursorAnswer(mas, mas.next(n(0)));
    case 'mas_prev':
      return cursorAnswer(mas, mas.prev(n(0)));
    case 'mas_next_range':
      return cursorAnswer(mas, mas.nextRange(n(0)));
    case 'mas_prev_range':
      return cursorAnswer(mas, mas.prevRange(n(0)));
    case 'mas_empty_area':
    case 'mas_empty_area_rev': {
      const size = Number(args[2]);
      const found =
        cmd === 'mas_empty_area' ? mas.emptyArea(n(0), n(1), size) : mas.emptyAreaRev(n(0), n(1), size);
      return found ? `${indexText(mas.index)} ${indexText(mas.last)}` : 'err -16';
    }
    case 'mas_store':
      mas.store(parseValue(args[0]));
      return `${indexText(mas.index)} ${indexText(mas.last)} ${shape(tree)}`;
    case 'mas_erase': {
      const value = mas.erase();
      return `${cursorAnswer(mas, value)} ${shape(tree)}`;
    }
    default:
      throw new RangeError(`unknown command ${JSON.stringify(line)}`);
  }
}

/**
 * What the oracle prints for `script` (starting with its `tree` line),
 * computed on core: `tree`, one answer per line, each `dump` as its lines and `end`.
 * @throws RangeError on a line that is not a script command
 */
export function answerOnCore(script: readonly string[]): string[] {
  const out: string[] = [];
  let session: Session | undefined;
  for (const line of script) {
    if (line.startsWith('tree')) {
      const tree = caseTree({ alloc: line.includes('alloc'), rcu: line.includes('rcu') });
      session = { tree, mas: tree.state(0, 0) };
      out.push('tree');
      continue;
    }
    if (session === undefined) throw new RangeError(`${JSON.stringify(line)} before any tree line`);
    if (line === 'dump') {
      out.push(...dumpLines(session.tree));
      continue;
    }
    // mas_store on a tree with no node is not compared (the oracle answers `skip` too).
    if (session.tree.nodeCount === 0 && line.startsWith('mas_store ')) {
      out.push('skip');
      continue;
    }
    try {
      out.push(answerLine(session, line));
    } catch (error) {
      if (!(error instanceof MapleError)) throw error;
      out.push(`err -${ERRNO[error.code] ?? 0}`);
    }
  }
  return out;
}
