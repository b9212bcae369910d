/**
 * Decoding the raw arguments of the calls a trace logs without named fields
 * (FORMAT.md: `madvise`, the mlock family, ... appear with `op` set to their
 * name and raw `args`). Recorders write them differently: ours writes every
 * argument register as a hex string, an strace-based one writes what strace
 * printed (decimal lengths, symbolic advice, `MCL_CURRENT|MCL_FUTURE`). Both
 * decode here to the numbers the system call received:
 *
 *   "0x7f0000000000"           -> 0x7f0000000000
 *   "4096", 4096                -> 4096
 *   "MADV_DONTFORK"            -> 10          (with the MADV names)
 *   "MCL_CURRENT|MCL_FUTURE"   -> 3           (with the MCL names)
 *
 * Anything else (an unknown name, a malformed number, a missing argument)
 * decodes to NaN, and the replayer skips such a call, as FORMAT.md allows for
 * these records, rather than giving up on the whole trace.
 */

/** Symbolic names one argument may use, without their prefix (`DONTFORK` for `MADV_DONTFORK`). */
export interface ArgNames {
  prefix: string;
  values: Readonly<Record<string, number>>;
}

const DECIMAL = /^[0-9]+$/;
const HEX = /^0[xX][0-9a-fA-F]+$/;

/** One number or name, or NaN. */
function token(t: string, names: ArgNames | undefined): number {
  if (HEX.test(t) || DECIMAL.test(t)) return Number(BigInt(t));
  if (names && t.startsWith(names.prefix)) {
    const name = t.slice(names.prefix.length);
    if (Object.hasOwn(names.values, name)) return names.values[name] as number;
  }
  return Number.NaN;
}

/**
 * The value of raw argument `v`: a non-negative number, a hex or decimal
 * string, or (given `names`) symbolic names or numbers joined by `|`.
 * @returns the value, or NaN when `v` is none of those
 */
export function rawArg(v: unknown, names?: ArgNames): number {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : Number.NaN;
  if (typeof v !== 'string') return Number.NaN;
  const parts = v.split('|');
  if (parts.length === 1) return token(v.trim(), names);
  // Flag names (or numbers) or-ed together, as strace prints a flags argument.
  let bits = 0;
  for (const part of parts) {
    const x = token(part.trim(), names);
    if (Number.isNaN(x) || x > 0xffffffff) return Number.NaN;
    bits = (bits | x) >>> 0;
  }
  return bits;
}

/**
 * The first `n` raw arguments of a record, decoded by {@link rawArg} (`names[i]` for argument `i`).
 * @returns the values, or undefined when the record has fewer or one does not decode
 */
export function rawArgs(
  args: unknown,
  n: number,
  names: (ArgNames | undefined)[] = [],
): number[] | undefined {
  if (!Array.isArray(args) || args.length < n) return undefined;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = rawArg(args[i], names[i]);
    if (Number.isNaN(x)) return undefined;
    out.push(x);
  }
  return out;
}
