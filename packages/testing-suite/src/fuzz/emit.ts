/**
 * Prints a fuzz case as a ready-to-paste vitest test.
 *
 * The emitting driver replays the case on the reference model and writes
 * every call as a line of TypeScript, with the model's answer as the
 * expectation. Pasted into `test/`, the test fails against a broken tree at
 * the same call the fuzzer stopped on.
 */
import { MAPLE_MAX, MapleError } from '@maple-tree/core';
import { MapleModel } from '../model.js';
import type { ModelState } from '../model-state.js';
import { DiffDriver, invoke, LiveModelIterator } from './compare.js';
import { type Check, type Driver, interpret, type Target } from './interpret.js';
import type { FuzzCase } from './ops.js';
import type { TreeFactory } from './subject.js';

/** A number or value as TypeScript source (MAPLE_MAX-relative near the top). */
export function literal(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'Number.NaN';
    if (value === Number.POSITIVE_INFINITY) return 'Number.POSITIVE_INFINITY';
    if (Number.isInteger(value) && value > MAPLE_MAX - 100_000 && value !== MAPLE_MAX) {
      const d = value - MAPLE_MAX;
      return d < 0 ? `MAPLE_MAX - ${-d}` : `MAPLE_MAX + ${d}`;
    }
    return value === MAPLE_MAX ? 'MAPLE_MAX' : String(value);
  }
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const e = value as { first: number; last: number; value: unknown };
    return `{ first: ${literal(e.first)}, last: ${literal(e.last)}, value: ${literal(e.value)} }`;
  }
  return JSON.stringify(value);
}

const NAMES: Record<Target, string> = { tree: 'tree', clone: 'copy', cursor: 'mas' };

class EmitDriver implements Driver {
  readonly model: MapleModel<unknown>;
  modelCursor: ModelState<unknown> | undefined;
  private modelClone: MapleModel<unknown> | undefined;
  private iter: LiveModelIterator | undefined;
  readonly lines: string[] = [];
  refused = false;

  /**
   * @param shadow - under a node budget, the same calls on the tree under
   *   test, to learn which writes it refuses with ENOMEM (dropped at the
   *   first difference: from there on the model alone writes the test)
   */
  constructor(
    allocRange: boolean,
    private shadow?: DiffDriver,
  ) {
    this.model = new MapleModel<unknown>({ allocRange });
  }

  /** Runs `fn` on the shadow, forgetting the shadow once it disagrees. */
  private onShadow(fn: (shadow: DiffDriver) => void): void {
    if (this.shadow === undefined) return;
    try {
      fn(this.shadow);
    } catch {
      this.shadow = undefined;
    }
  }

  private obj(target: Target): unknown {
    return target === 'tree' ? this.model : target === 'clone' ? this.modelClone : this.modelCursor;
  }

  call(target: Target, method: string, args: unknown[], check: Check): unknown {
    const code = `${NAMES[target]}.${method}(${args.map(literal).join(', ')})`;
    this.refused = false;
    this.onShadow((shadow) => {
      shadow.call(target, method, args, check);
      this.refused = shadow.refused;
    });
    if (this.refused) {
      this.lines.push(`expectCode(() => ${code}, 'ENOMEM');`);
      return undefined;
    }
    if (check === 'einval') {
      this.lines.push(`expectEinval(() => ${method === 'entries' ? `[...${code}]` : code});`);
      return undefined;
    }
    let answer: unknown;
    try {
      answer = invoke(this.obj(target), method, args);
    } catch (error) {
      if (!(error instanceof MapleError)) throw error;
      this.lines.push(`expectEinval(() => ${code});`);
      return undefined;
    }
    if (check === 'void') this.lines.push(`${code};`);
    else if (answer === undefined) this.lines.push(`expect(${code}).toBeUndefined();`);
    else if (typeof answer === 'object' && answer !== null)
      this.lines.push(`expect(${code}).toEqual(${literal(answer)});`);
    else this.lines.push(`expect(${code}).toBe(${literal(answer)});`);
    return answer;
  }

  list(target: Target, method: 'entries' | 'forEach', args: unknown[]): void {
    this.onShadow((shadow) => shadow.list(target, method, args));
    const t = this.obj(target) as MapleModel<unknown>;
    const answer = invoke(t, 'entries', args);
    const rest = args.map(literal).join(', ');
    if (method === 'entries') {
      this.lines.push(`expect([...${NAMES[target]}.entries(${rest})]).toEqual(${literal(answer)});`);
    } else {
      this.lines.push('seen = [];');
      const tail = rest ? `, ${rest}` : '';
      this.lines.push(
        `${NAMES[target]}.forEach((value, first, last) => { seen.push({ first, last, value }); }${tail});`,
      );
      this.lines.push(`expect(seen).toEqual(${literal(answer)});`);
    }
  }

  newCursor(first: number, last: number): void {
    this.onShadow((shadow) => shadow.newCursor(first, last));
    this.modelCursor = this.model.state(first, last);
    this.lines.push(`mas = tree.state(${literal(first)}, ${literal(last)});`);
  }

  cursorRange(): void {
    this.onShadow((shadow) => shadow.cursorRange());
    const m = this.modelCursor!;
    this.lines.push(`expect([mas.index, mas.last]).toEqual([${literal(m.index)}, ${literal(m.last)}]);`);
  }

  newClone(): void {
    this.onShadow((shadow) => shadow.newClone());
    this.modelClone = this.model.clone();
    this.lines.push('copy = tree.clone();');
  }

  newIterator(first: number, last: number): void {
    this.onShadow((shadow) => shadow.newIterator(first, last));
    this.iter = new LiveModelIterator(this.model, first, last);
    this.lines.push(`iter = tree.entries(${literal(first)}, ${literal(last)});`);
  }

  iteratorNext(): void {
    this.onShadow((shadow) => shadow.iteratorNext());
    const e = this.iter!.step();
    this.lines.push(
      e === undefined
        ? 'expect(iter.next().done).toBe(true);'
        : `expect(iter.next().value).toEqual(${literal(e)});`,
    );
  }

  checkTree(target: Target, full: boolean): void {
    this.onShadow((shadow) => shadow.checkTree(target, full));
    const t = (target === 'tree' ? this.model : this.modelClone)!;
    const name = NAMES[target];
    this.lines.push(`${name}.validate();`);
    if (!full) return;
    if (t.size <= 40) this.lines.push(`expect([...${name}]).toEqual(${literal([...t])});`);
    else this.lines.push(`expect(${name}.size).toBe(${t.size});`);
  }
}

/**
 * Writes `c` as a standalone vitest file.
 * @param c - the (shrunk) failing case
 * @param title - the test's name, e.g. the seed that found it
 * @returns TypeScript source
 */
export function emitTest(c: FuzzCase, title: string, factory?: TreeFactory): string {
  const budgeted = c.maxNodes !== undefined && factory !== undefined;
  const shadow = budgeted
    ? new DiffDriver(
        factory({ allocRange: c.allocRange, rcu: c.rcu, maxNodes: c.maxNodes }),
        c.allocRange,
        true,
      )
    : undefined;
  const d = new EmitDriver(c.allocRange, shadow);
  let note = '';
  try {
    interpret(c, d);
  } catch (error) {
    note = `  // the model itself stopped here: ${String(error)}\n`;
  }
  // a variable assigned once is declared const where it is assigned; one assigned again gets a let up front
  const lines = [...d.lines];
  const declarations: string[] = [];
  const kinds: Array<[string, string]> = [
    ['mas', 'MapleState<unknown>'],
    ['copy', 'MapleTree<unknown>'],
    ['iter', 'Iterator<MapleEntry<unknown>>'],
    ['seen', 'MapleEntry<unknown>[]'],
  ];
  for (const [name, type] of kinds) {
    const at = lines.flatMap((l, i) => (l.startsWith(`${name} = `) ? [i] : []));
    if (at.length === 1) lines[at[0]!] = `const ${name}: ${type} = ${lines[at[0]!]!.slice(name.length + 3)}`;
    else if (at.length > 1) declarations.push(`  let ${name}: ${type};`);
  }
  const body = lines.map((l) => `  ${l}`).join('\n');
  const uses = (pattern: RegExp) => pattern.test(body) || declarations.some((l) => pattern.test(l));
  const coreNames = ['MAPLE_MAX', 'MapleError', 'MapleTree'].filter(
    (n) => (n !== 'MAPLE_MAX' || uses(/MAPLE_MAX/)) && (n !== 'MapleError' || uses(/expect(Code|Einval)/)),
  );
  const types = [
    ...(uses(/MapleEntry/) ? ['type MapleEntry'] : []),
    ...(uses(/MapleState/) ? ['type MapleState'] : []),
  ];
  const names = [...coreNames, ...types].sort((a, b) =>
    a.replace('type ', '').localeCompare(b.replace('type ', '')),
  );
  const helper = uses(/expect(Code|Einval)/)
    ? `
function expectCode(fn: () => unknown, code: MapleError['code']): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MapleError);
    expect((error as MapleError).code).toBe(code);
    return;
  }
  expect.unreachable(\`expected MapleError \${code}\`);
}
`
    : '';
  const einval = uses(/expectEinval/)
    ? "\nconst expectEinval = (fn: () => unknown) => expectCode(fn, 'EINVAL');\n"
    : '';
  const options = `{ allocRange: ${c.allocRange}, rcu: ${c.rcu}${c.maxNodes === undefined ? '' : `, maxNodes: ${c.maxNodes}`} }`;
  return `import { ${names.join(', ')} } from '@maple-tree/core';
import { expect, it } from 'vitest';
${helper}${einval}
it(${JSON.stringify(title)}, () => {
  const tree = new MapleTree<unknown>(${options});
${declarations.join('\n')}${declarations.length > 0 ? '\n' : ''}${body}
${note}});
`;
}
