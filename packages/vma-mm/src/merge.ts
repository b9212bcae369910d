/**
 * VMA merging (mm/vma.c): when a new range can join its neighbours
 * (vma_merge_new_range) and when a changed part of an existing VMA can
 * (vma_merge_existing_range), else splitting (vma_modify).
 *
 * Two VMAs merge when they touch, their flags agree (soft-dirty aside), they
 * map the same file (object identity) at contiguous offsets, carry the same
 * name, neither is special, and their anonymous identities are compatible:
 * equal, or at least one of them has none. A range that could join both
 * neighbours joins both only if the neighbours' identities are compatible
 * with each other; otherwise it joins the left one.
 *
 *      prev          range          next
 *   [--------)[================)[---------)
 *             ^ start          ^ end
 */
import { EINVAL, ENOMEM } from './errno.js';
import { splitRefused } from './hugetlb.js';
import type { MmCore } from './mm.js';
import { type MappedFile, VM_SOFTDIRTY, VM_SPECIAL, type Vma } from './vma.js';

/** The properties of a range about to be mapped or changed (struct vma_merge_struct). */
export interface MergeCandidate {
  start: number;
  end: number;
  flags: number;
  pgoff: number;
  file: MappedFile | null;
  anon: number;
  /** The range's identity came through fork (see Vma.anonForked). */
  anonForked: boolean;
  name: string | null;
}

/** are_anon_vmas_compatible: identities equal or one absent. */
export function anonIdsCompatible(a: number, b: number): boolean {
  return a === 0 || b === 0 || a === b;
}

/**
 * is_mergeable_anon_vma (Linux >= 6.16): the range (src) and a neighbour
 * (tgt) can share one identity - equal ones, or one side has none and the
 * side that has one did not inherit it through fork.
 */
export function anonMergeable(c: MergeCandidate, tgt: Vma): boolean {
  if (!tgt.anon && c.anon) return !c.anonForked;
  if (tgt.anon && !c.anon) return !tgt.anonForked;
  return c.anon === tgt.anon;
}

/** is_mergeable_vma: flags (bar soft-dirty), file and name agree; not special. */
function sameKind(vma: Vma, c: MergeCandidate): boolean {
  return (
    !vma.special &&
    ((vma.flags ^ c.flags) & ~VM_SOFTDIRTY) === 0 &&
    vma.file === c.file &&
    vma.name === c.name
  );
}

/** can_vma_merge_after: `prev` can be extended over the candidate. */
export function canMergeAfter(prev: Vma, c: MergeCandidate): boolean {
  return (
    prev.endPage === c.start &&
    sameKind(prev, c) &&
    anonMergeable(c, prev) &&
    prev.pgoff + prev.pages === c.pgoff
  );
}

/** can_vma_merge_before: `next` can be extended down over the candidate. */
export function canMergeBefore(next: Vma, c: MergeCandidate): boolean {
  return (
    next.startPage === c.end &&
    sameKind(next, c) &&
    anonMergeable(c, next) &&
    c.pgoff + (c.end - c.start) === next.pgoff
  );
}

/**
 * vma_merge_new_range: merge a range that holds no VMA into its neighbours.
 * @param mm - the address space
 * @param c - the new range's properties
 * @param prev - the VMA before the range (or undefined)
 * @param next - the VMA after the range (or undefined)
 * @param justExpand - only try extending `prev` (brk)
 * @returns the VMA now covering the range, or undefined when nothing merged
 */
export function mergeNewRange(
  mm: MmCore,
  c: MergeCandidate,
  prev: Vma | undefined,
  next: Vma | undefined,
  justExpand = false,
): Vma | undefined {
  if (c.flags & VM_SPECIAL) return undefined;
  const left = prev !== undefined && canMergeAfter(prev, c);
  let right = !justExpand && next !== undefined && canMergeBefore(next, c);
  if (left && right && !anonIdsCompatible(prev!.anon, next!.anon)) right = false;
  if (left && right) {
    const p = prev!;
    const n = next!;
    const from = p.anon ? p : n.anon ? n : c;
    const end = n.endPage;
    mm.unlink(n);
    mm.setRange(p, p.startPage, end);
    p.anon = from.anon;
    p.anonForked = from.anonForked;
    return p;
  }
  if (left) {
    const p = prev!;
    mm.setRange(p, p.startPage, c.end);
    if (!p.anon) {
      p.anon = c.anon;
      p.anonForked = c.anonForked;
    }
    return p;
  }
  if (right) {
    const n = next!;
    mm.setRange(n, c.start, n.endPage, c.pgoff);
    if (!n.anon) {
      n.anon = c.anon;
      n.anonForked = c.anonForked;
    }
    return n;
  }
  return undefined;
}

/**
 * vma_merge_existing_range: [start, end) of `middle` is getting `flags`; merge
 * it into `prev` and/or the next VMA when they match.
 * @returns the VMA now covering [start, end), or undefined when nothing merged
 */
export function mergeExistingRange(
  mm: MmCore,
  middle: Vma,
  prev: Vma | undefined,
  start: number,
  end: number,
  flags: number,
): Vma | undefined {
  const leftSide = start === middle.startPage;
  const rightSide = end === middle.endPage;
  if (flags & VM_SPECIAL || middle.special || (!leftSide && !rightSide)) return undefined;
  const c: MergeCandidate = {
    start,
    end,
    flags,
    pgoff: middle.pgoff + (start - middle.startPage),
    file: middle.file,
    anon: middle.anon,
    anonForked: middle.anonForked,
    name: middle.name,
  };
  const left = leftSide && prev !== undefined && canMergeAfter(prev, c);
  const next = rightSide ? mm.index.next(middle) : undefined;
  let right = next !== undefined && canMergeBefore(next, c);
  if (left && right && !anonIdsCompatible(prev!.anon, next!.anon)) right = false;
  if (!left && !right) return undefined;
  if (left && right) {
    const p = prev!;
    const n = next!;
    const from = p.anon ? p : middle.anon ? middle : n;
    const top = n.endPage;
    mm.unlink(middle);
    mm.unlink(n);
    mm.setRange(p, p.startPage, top);
    p.anon = from.anon;
    p.anonForked = from.anonForked;
    return p;
  }
  if (left) {
    const p = prev!;
    const from = p.anon ? p : middle;
    if (rightSide) mm.unlink(middle);
    else mm.setRange(middle, end, middle.endPage, middle.pgoff + (end - middle.startPage));
    mm.setRange(p, p.startPage, end);
    p.anon = from.anon;
    p.anonForked = from.anonForked;
    return p;
  }
  const n = next!;
  const from = n.anon ? n : middle;
  if (leftSide) mm.unlink(middle);
  else mm.setRange(middle, middle.startPage, start);
  mm.setRange(n, start, n.endPage, c.pgoff);
  n.anon = from.anon;
  n.anonForked = from.anonForked;
  return n;
}

/**
 * vma_modify_flags: give [start, end) of `vma` new flags, merging where the
 * kernel would and splitting otherwise. split_vma refuses at max_map_count,
 * then the VMA's may_split (splitRefused: a special mapping refuses any split, a
 * hugetlb one a cut that is not at a huge page boundary);
 * a failed second split leaves the first one done.
 * @returns the VMA covering [start, end), or -ENOMEM / -EINVAL
 */
export function modifyFlags(
  mm: MmCore,
  vma: Vma,
  prev: Vma | undefined,
  start: number,
  end: number,
  flags: number,
): Vma | number {
  const merged = mergeExistingRange(mm, vma, prev, start, end, flags);
  if (merged) return merged;
  if (vma.startPage < start) {
    if (mm.mapCount >= mm.maxMapCount) return -ENOMEM;
    if (splitRefused(mm, vma, start)) return -EINVAL;
    mm.split(vma, start, true);
  }
  if (vma.endPage > end) {
    if (mm.mapCount >= mm.maxMapCount) return -ENOMEM;
    if (splitRefused(mm, vma, end)) return -EINVAL;
    mm.split(vma, end, false);
  }
  vma.flags = flags;
  return vma;
}
