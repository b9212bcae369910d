/**
 * Errors and index limits shared by the whole tree.
 *
 * The kernel returns negative errno values; here a failed call throws a
 * {@link MapleError} whose `code` names the errno, and leaves the tree exactly
 * as it was.
 */

/** The largest index a tree holds: the kernel's `ULONG_MAX`, here the largest exact integer. */
export const MAPLE_MAX: number = Number.MAX_SAFE_INTEGER; // 2 ** 53 - 1

/** The errno-style codes a maple tree call can fail with. */
export type MapleErrorCode = 'EINVAL' | 'ENOMEM' | 'EBUSY' | 'EEXIST';

/** An error from a maple tree call; `code` is the kernel's errno name. */
export class MapleError extends Error {
  readonly code: MapleErrorCode;

  constructor(code: MapleErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'MapleError';
    this.code = code;
  }
}

/**
 * Checks that `index` is an integer in `[0, MAPLE_MAX]`.
 * @param index - the value to check
 * @param what - the argument's name, for the message
 * @throws MapleError `EINVAL` when it is not
 */
export function checkIndex(index: unknown, what: string): asserts index is number {
  // One test for "integer in range": NaN, fractions and non-numbers all fail it.
  if (!(typeof index === 'number' && index >= 0 && index <= MAPLE_MAX && Math.floor(index) === index)) {
    throw indexError(what, index);
  }
}

// The messages are built out of line. A template literal over the checked
// values inside the check, even on a branch never taken, made V8 optimise the
// callers worse: a 64-bit-key store through storeRange took 219-233 ns
// instead of 130 (an in-cache NULL store and store back, 1000 ranges).

function indexError(what: string, index: unknown): MapleError {
  return new MapleError('EINVAL', `${what} must be an integer in [0, MAPLE_MAX], got ${describe(index)}`);
}

/** `EINVAL`: the bound named `lo` is above the one named `hi`. */
function orderError(lo: string, first: unknown, hi: string, last: unknown): MapleError {
  return new MapleError('EINVAL', `${lo} (${first}) is greater than ${hi} (${last})`);
}

/**
 * Checks an inclusive range `[first, last]`.
 * @throws MapleError `EINVAL` when either end is out of range or `first > last`
 */
export function checkRange(first: unknown, last: unknown): void {
  checkIndex(first, 'first');
  checkIndex(last, 'last');
  if (first > last) throw orderError('first', first, 'last', last);
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'bigint') return `${value}n (a bigint)`;
  if (typeof value === 'string') return `${JSON.stringify(value)} (a string)`;
  return value === null ? 'null' : typeof value;
}

/**
 * Checks the arguments of a gap search (mas_empty_area and friends).
 * @throws MapleError `EINVAL` for a bad bound, `min > max`, `size < 1` or `size > max - min + 1`
 */
export function checkArea(min: unknown, max: unknown, size: unknown): void {
  checkIndex(min, 'min');
  checkIndex(max, 'max');
  if (min > max) throw orderError('min', min, 'max', max);
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > max - min + 1) {
    throw sizeError(size, min, max);
  }
}

/** `EINVAL`: `size` is not a positive integer, or does not fit in [min, max]. */
function sizeError(size: unknown, min: number, max: number): MapleError {
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
    return new MapleError('EINVAL', `size must be a positive integer, got ${String(size)}`);
  }
  return new MapleError('EINVAL', `size ${size} does not fit in [${min}, ${max}]`);
}
