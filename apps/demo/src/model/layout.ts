/**
 * The address space as drawable data: each VMA with its byte range, its
 * /proc/PID/maps line and a kind for colouring (file, anon, stack, heap,
 * special), and the gaps between them, from 0 to the task size.
 */
import type { MapleTree } from '@maple-tree/core';
import { type AddressSpace, formatVma, MapleIndex, parseMapsLine, type Vma } from '@maple-tree/vma-mm';

/** Colour classes of the map. */
export type RegionKind = 'file' | 'anon' | 'stack' | 'heap' | 'special';

/** One VMA, ready to draw. */
export interface Region {
  /** vm_start (bytes). */
  start: number;
  /** vm_end (bytes, exclusive). */
  end: number;
  kind: RegionKind;
  perms: string;
  /** The maps name column ('' for plain anonymous memory). */
  name: string;
  /** The /proc/PID/maps line. */
  line: string;
  /** The VMA itself (the value the maple tree stores). */
  vma: Vma;
}

/** One unmapped run between VMAs. */
export interface Gap {
  start: number;
  end: number;
}

/** The address space. */
export interface Layout {
  /** TASK_SIZE: the top of user space. */
  taskSize: number;
  pageSize: number;
  regions: Region[];
  gaps: Gap[];
}

/**
 * The colour class of a VMA: special mappings ([vdso], [vvar], ...), the
 * stack (grows down, or named [stack]), the heap (the brk area), file-backed
 * (including shared anonymous memory, which is a shmem file) and anonymous.
 */
export function regionKind(vma: Vma, name: string): RegionKind {
  if (vma.special) return 'special';
  if (name === '[stack]') return 'stack';
  if (name === '[heap]') return 'heap';
  if (vma.file) return 'file';
  return 'anon';
}

/** The VMAs and gaps of `mm` (the gate VMA, [vsyscall], lies above the task size and is left out). */
export function readLayout(mm: AddressSpace): Layout {
  const regions: Region[] = [];
  const gaps: Gap[] = [];
  const taskSize = mm.taskPages * mm.pageSize;
  let at = 0;
  for (const vma of mm.vmas()) {
    const line = formatVma(mm, vma);
    const parsed = parseMapsLine(line);
    if (vma.start > at) gaps.push({ start: at, end: vma.start });
    regions.push({
      start: vma.start,
      end: vma.end,
      kind: regionKind(vma, parsed.name),
      perms: parsed.perms,
      name: parsed.name,
      line,
      vma,
    });
    at = vma.end;
  }
  if (at < taskSize) gaps.push({ start: at, end: taskSize });
  return { taskSize, pageSize: mm.pageSize, regions, gaps };
}

/** The maple tree behind `mm` (mm->mm_mt), or undefined on the legacy backend. */
export function mapleTreeOf(mm: AddressSpace): MapleTree<Vma> | undefined {
  return mm.index instanceof MapleIndex ? mm.index.mapleTree : undefined;
}
