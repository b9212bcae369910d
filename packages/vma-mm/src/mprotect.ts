/**
 * mprotect (mm/mprotect.c do_mprotect_pkey, mprotect_fixup): walk the VMAs
 * of the range one by one, changing each piece's access bits (splitting and
 * merging as the kernel does). A hole stops the walk with ENOMEM, keeping
 * what was already changed.
 *
 * Accounting follows the kernel: making a private, unaccounted mapping
 * writable charges it (VM_ACCOUNT); removing write from an anonymous VMA
 * that never had a page faulted in gives the charge back. An mlocked
 * private mapping made writable is populated for writing at once.
 */
import { pageOffset } from './arch.js';
import { EACCES, EINVAL, ENOMEM, EPERM } from './errno.js';
import { populateRange } from './fault.js';
import { modifyFlags } from './merge.js';
import { argValue, type MmCore } from './mm.js';
import { mayExpandVm } from './vm-limits.js';
import {
  isAnonymous,
  PROT,
  protToVmFlags,
  VM_ACCESS_FLAGS,
  VM_ACCOUNT,
  VM_EXEC,
  VM_GROWSDOWN,
  VM_LOCKED,
  VM_MAYEXEC,
  VM_NORESERVE,
  VM_SEALED,
  VM_SHARED,
  VM_WRITE,
  type Vma,
} from './vma.js';

/**
 * mprotect_fixup: apply `newFlags` to [start, end) of `vma`.
 * @returns the VMA now covering the range, or -errno
 */
function fixup(
  mm: MmCore,
  vma: Vma,
  prev: Vma | undefined,
  start: number,
  end: number,
  newFlags: number,
): Vma | number {
  const oldFlags = vma.flags;
  if (oldFlags & VM_SEALED) return -EPERM; // even to the protection it has (mseal.ts)
  if (newFlags === oldFlags) return vma;
  if (newFlags & VM_WRITE) {
    // Memory becoming data must fit RLIMIT_DATA (unless it did not fit before either).
    const pages = end - start;
    if (!mayExpandVm(mm, newFlags, pages) && mayExpandVm(mm, oldFlags, pages)) return -ENOMEM;
    if (!(oldFlags & (VM_ACCOUNT | VM_WRITE | VM_SHARED | VM_NORESERVE))) newFlags |= VM_ACCOUNT;
  } else if (oldFlags & VM_ACCOUNT && isAnonymous(vma) && !vma.anon) {
    newFlags &= ~VM_ACCOUNT;
  }
  const res = modifyFlags(mm, vma, prev, start, end, newFlags);
  // An mlocked private mapping that becomes writable is faulted in for writing now (so it gets its
  // anonymous copies, and an anon_vma, at once).
  if (
    typeof res !== 'number' &&
    (oldFlags & (VM_WRITE | VM_SHARED | VM_LOCKED)) === VM_LOCKED &&
    newFlags & VM_WRITE
  )
    populateRange(mm, start, end);
  return res;
}

/**
 * The mprotect system call.
 * @param mm - the address space
 * @param addr - start (bytes, page aligned)
 * @param len - length in bytes (rounded up to pages; 0 is a no-op)
 * @param prot - PROT_READ | PROT_WRITE | PROT_EXEC (| PROT_SEM, PROT_GROWSDOWN)
 * @returns 0 or -errno
 */
export function sysMprotect(mm: MmCore, addr: unknown, len: unknown, prot: unknown): number {
  return sysPkeyMprotect(mm, addr, len, prot, -1);
}

/**
 * The pkey_mprotect system call (do_mprotect_pkey). No protection key is ever allocated here (as on a
 * CPU without them, where pkey_alloc fails): key -1 is mprotect, any other is EINVAL once the
 * arguments passed.
 * @param pkey - the key (an int: the low 32 bits, signed)
 * @returns 0 or -errno
 */
export function sysPkeyMprotect(
  mm: MmCore,
  addr: unknown,
  len: unknown,
  prot: unknown,
  pkey: unknown,
): number {
  // An int: the low 32 bits of what was passed, as a C caller's value would be truncated.
  const key =
    typeof pkey === 'bigint'
      ? Number(BigInt.asIntN(32, pkey))
      : Number.isInteger(pkey)
        ? (pkey as number) | 0
        : Number.NaN;
  if (Number.isNaN(key)) return -EINVAL;
  const a = argValue(addr);
  const l = argValue(len);
  let p = argValue(prot);
  if (Number.isNaN(a) || Number.isNaN(l) || Number.isNaN(p)) return -EINVAL;
  // prot is an unsigned long: bits above 31 (which JS's & does not see) fail arch_validate_prot below.
  const highBits = p >= 2 ** 32;
  const grows = p & (PROT.GROWSDOWN | PROT.GROWSUP);
  p &= ~(PROT.GROWSDOWN | PROT.GROWSUP);
  if (grows === (PROT.GROWSDOWN | PROT.GROWSUP)) return -EINVAL;
  const ps = mm.pageSize;
  if (pageOffset(a, ps)) return -EINVAL;
  if (!l) return 0;
  const pages = mm.pagesUp(l);
  let start = a / ps;
  const end = start + pages;
  if (end * ps >= 2 ** mm.kernelBits) return -ENOMEM; // end <= start once it wraps
  if (highBits || p & ~(PROT.READ | PROT.WRITE | PROT.EXEC | PROT.SEM)) return -EINVAL;
  if (key !== -1) return -EINVAL; // mm_pkey_is_allocated: none is

  let vma = mm.intersect(start, end);
  if (!vma) return -ENOMEM;
  if (grows & PROT.GROWSDOWN) {
    start = vma.startPage;
    if (!(vma.flags & VM_GROWSDOWN)) return -EINVAL;
  } else {
    if (vma.startPage > start) return -ENOMEM;
    if (grows & PROT.GROWSUP) return -EINVAL; // no grows-up VMAs on these architectures
  }
  let prev = start > vma.startPage ? vma : mm.index.prev(vma);
  const bits = protToVmFlags(p);
  let nstart = start;
  let tmp = vma.startPage;
  let error = 0;
  while (vma && vma.startPage < end) {
    if (vma.startPage !== tmp) {
      error = -ENOMEM;
      break;
    }
    // READ_IMPLIES_EXEC adds VM_EXEC to a readable protection where the VMA may execute.
    const rier = p & PROT.READ && mm.readImpliesExec && vma.flags & VM_MAYEXEC ? VM_EXEC : 0;
    const newFlags = bits | rier | (vma.flags & ~VM_ACCESS_FLAGS);
    // VM_MAY* sit four bits above VM_*: every bit asked for must be allowed.
    if (newFlags & ~(newFlags >> 4) & VM_ACCESS_FLAGS) {
      error = -EACCES;
      break;
    }
    tmp = Math.min(vma.endPage, end);
    const r = fixup(mm, vma, prev, nstart, tmp, newFlags);
    if (typeof r === 'number') {
      error = r;
      break;
    }
    prev = r;
    tmp = r.endPage;
    nstart = tmp;
    vma = mm.findVmaPage(tmp);
  }
  if (!error && tmp < end) error = -ENOMEM;
  return error;
}
