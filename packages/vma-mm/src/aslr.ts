/**
 * Address-space layout randomisation, seeded so that a layout can be
 * reproduced: the three random choices the kernel makes when it sets up a
 * process, each from one 64-bit draw (get_random_long) of a SplitMix64
 * generator, in the order the kernel makes them during exec:
 *
 *   1. arch_pick_mmap_layout   mmap_rnd = (r & (2^mmap_rnd_bits - 1)) << PAGE_SHIFT
 *   2. randomize_stack_top     stack_top = STACK_TOP - ((r & STACK_RND_MASK) << PAGE_SHIFT)
 *   3. arch_randomize_brk      brk = start_brk + (r mod (range >> PAGE_SHIFT)) << PAGE_SHIFT
 *
 * Randomisation is off unless a seed is given (PF_RANDOMIZE clear), and then
 * every number here is zero and the layout is the kernel's fixed one.
 * Mirrors arch/x86/mm/mmap.c (arch_rnd), mm/util.c (arch_mmap_rnd,
 * randomize_stack_top, randomize_page, arch_randomize_brk) and
 * arch/x86/kernel/process.c (arch_randomize_brk).
 */
import { type ArchProfile, alignUp } from './arch.js';

const MASK64 = (1n << 64n) - 1n;

/** A SplitMix64 generator: 64-bit outputs from a 64-bit seed, reproducible. */
export class SeededRandom {
  private state: bigint;

  /** @param seed - any integer (number or bigint); taken modulo 2^64 */
  constructor(seed: number | bigint) {
    if (typeof seed === 'number' && !Number.isSafeInteger(seed))
      throw new TypeError('seed must be a safe integer or a bigint');
    if (typeof seed !== 'number' && typeof seed !== 'bigint') throw new TypeError('seed must be an integer');
    this.state = BigInt(seed) & MASK64;
  }

  /** The next 64-bit value (get_random_long). */
  next(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  }
}

/** The random choices made for one address space (all bytes, page multiples). */
export interface AslrLayout {
  /** The seed they came from. */
  readonly seed: bigint;
  /** mmap_rnd_bits used. */
  readonly mmapRndBits: number;
  /** arch_mmap_rnd(): subtracted from the top-down base, added to the legacy base. */
  readonly mmapRnd: number;
  /** How far randomize_stack_top moved the stack top down. */
  readonly stackRnd: number;
  /** The randomised stack top (STACK_TOP minus stackRnd). */
  readonly stackTop: number;
}

/**
 * arch_mmap_rnd / arch_rnd: the low `bits` bits of a draw, in pages.
 * @returns bytes
 */
export function mmapRandom(arch: ArchProfile, bits: number, r: bigint): number {
  return Number(r & ((1n << BigInt(bits)) - 1n)) * arch.pageSize;
}

/** randomize_stack_top for a downward-growing stack. @returns the new top in bytes */
export function randomStackTop(arch: ArchProfile, stackTop: number, r: bigint): number {
  const mask = BigInt(arch.stackRndMask ?? 0);
  return alignUp(stackTop, arch.pageSize) - Number(r & mask) * arch.pageSize;
}

/**
 * randomize_page(start, range): a page-aligned address in
 * [PAGE_ALIGN(start), start + range), from one draw.
 * @param start - lowest acceptable address (bytes)
 * @param range - bytes above `start` the result may fall in
 */
export function randomizePage(pageSize: number, start: number, range: number, r: bigint): number {
  const aligned = alignUp(start, pageSize);
  let span = range - (aligned - start);
  if (aligned + span > 2 ** 64 - 1) span = 2 ** 64 - 1 - aligned;
  const pages = Math.floor(Math.max(span, 0) / pageSize);
  if (pages === 0) return aligned;
  return aligned + Number(r % BigInt(pages)) * pageSize;
}

/**
 * Draw the mmap and stack randomness for a new process (steps 1 and 2 above);
 * the brk draw (step 3) follows with {@link randomizePage} when the process
 * has a heap.
 * @param bits - vm.mmap_rnd_bits
 */
export function drawLayout(arch: ArchProfile, rng: SeededRandom, seed: bigint, bits: number): AslrLayout {
  const mmapRnd = mmapRandom(arch, bits, rng.next());
  const stackTop = randomStackTop(arch, arch.mapWindow, rng.next());
  return {
    seed,
    mmapRndBits: bits,
    mmapRnd,
    stackRnd: alignUp(arch.mapWindow, arch.pageSize) - stackTop,
    stackTop,
  };
}
