/*
 * gen-edge.c - calls with boundary arguments (MIT licence, part of
 * @maple-tree/vma-mm): addresses under vm.mmap_min_addr and at or beyond
 * TASK_SIZE, lengths whose end wraps around, page offsets that overflow the
 * file size limit, MAP_SHARED_VALIDATE with flags it accepts and with
 * MAP_SYNC (refused for a regular file), unaligned MAP_FIXED_NOREPLACE,
 * mremap destinations past the end of the address space or over their
 * source. Every one of them fails or maps free space; none can change a
 * protected mapping (a wrapped length makes the kernel refuse before it
 * looks at any VMA, provided the start is above the first 64 pages).
 *
 * gen_flags (the flags profile) maps with the rarer MAP_* flags: MAP_STACK
 * (no huge pages), MAP_LOCKED (faulted in, a few pages at a time so that
 * RLIMIT_MEMLOCK is never reached), MAP_NONBLOCK (cancels MAP_POPULATE),
 * MAP_HUGETLB (no huge pages are reserved: ENOMEM), MAP_DROPPABLE, MAP_SYNC
 * on anonymous memory, MAP_ABOVE4G, MAP_UNINITIALIZED, MAP_DENYWRITE and
 * MAP_EXECUTABLE (ignored), next to existing mappings so that the VM_* flags
 * they set decide merges.
 *
 * Lengths near 2^64 are multiples of 4 KiB so that they stay exact in the
 * double-precision numbers a JavaScript replay reads them into.
 */
#include "vmtrace.h"

#include <sys/mman.h>

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif

/* A length whose end wraps past the top of the argument range. */
static u64 wrapping_len(void) {
  u64 top = W.is32 ? 1ULL << 32 : 0; /* 2^64 wraps to 0 */
  return top - (1 + rnd(16)) * PS;
}

static int edge_mmap(void) {
  u64 r = rnd(7);
  int anon = MAP_PRIVATE | MAP_ANONYMOUS;
  if (r == 0) {
    /* Under mmap_min_addr: MAP_FIXED is refused, a hint is rounded up. */
    int fixed = chance(50);
    u64 addr = fixed ? rnd(2) * PS : rnd(PS);
    call_mmap(addr, (1 + rnd(4)) * PS, PROT_READ, anon | (fixed ? MAP_FIXED : 0), -1, 0);
  } else if (r == 1) {
    call_mmap(chance(50) ? 0 : pick_hint(), wrapping_len(), PROT_READ, anon, -1, 0); /* ENOMEM */
  } else if (r == 2) {
    /* MAP_FIXED (or NOREPLACE) running past TASK_SIZE. */
    u64 len = (1 + rnd(4)) * PS;
    u64 addr = W.task_size - len + (1 + rnd(4)) * PS;
    call_mmap(addr, len, PROT_READ, anon | (chance(50) ? MAP_FIXED : MAP_FIXED_NOREPLACE), -1, 0);
  } else if (r == 3 && !W.is32) {
    /* A file offset so large that offset + length passes MAX_LFS_FILESIZE: EOVERFLOW. */
    u64 off = (1ULL << 63) - (1 + rnd(4)) * PS;
    call_mmap(0, (1 + rnd(8)) * PS, PROT_READ, MAP_PRIVATE, (int)rnd(4), off);
  } else if (r == 4) {
    /*
     * MAP_SHARED_VALIDATE: fine with the legacy flags (MAP_32BIT among them), EOPNOTSUPP with MAP_SYNC on
     * a file that cannot honour it; plain MAP_SHARED ignores MAP_SYNC.
     */
    int fdi = (int)rnd(4);
    u64 pick = rnd(4);
    int type = pick == 3 ? MAP_SHARED : MAP_SHARED_VALIDATE;
    int extra = pick == 0 && !W.is32 ? VT_MAP_32BIT : pick == 1 ? MAP_POPULATE : pick >= 2 ? VT_MAP_SYNC : 0;
    call_mmap(0, (1 + rnd(8)) * PS, PROT_READ, type | extra, fdi, rnd(W.fsize[fdi] / PS) * PS);
  } else if (r == 5) {
    u64 addr = pick_dest(PS) + 1 + rnd(PS - 1); /* unaligned NOREPLACE: EINVAL */
    call_mmap(addr, PS, PROT_READ, anon | MAP_FIXED_NOREPLACE, -1, 0);
  } else {
    call_mmap(0, PS, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0);
  }
  return 1;
}

static int edge_other(void) {
  if (!ntrack) return 0;
  int k = track_pick();
  u64 a = T[k].addr, len = T[k].len;
  u64 r = rnd(8);
  /*
   * A wrapping length is refused only when the start is high enough: munmap wants
   * start + len > TASK_SIZE, mprotect an end that wraps past 2^64.
   */
  if (r == 0 && a >= 64 * PS) call_munmap(a, wrapping_len()); /* EINVAL */
  else if (r == 1 && a >= 64 * PS && !W.is32) call_mprotect(a, wrapping_len(), PROT_READ); /* ENOMEM */
  else if (r == 2) call_munmap(W.task_size + rnd(2) * PS, PS); /* at or past the top: EINVAL */
  else if (r == 3 && !W.is32) call_mprotect(0xffffffffff600000ULL, PS, PROT_READ); /* the gate page: no VMA */
  else if (r == 4) {
    /* A destination that runs past TASK_SIZE. */
    call_mremap(a, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, W.task_size - len + (1 + rnd(4)) * PS);
  } else if (r == 5) {
    /* A destination overlapping the source: EINVAL. */
    u64 d = a + rnd(len / PS) * PS;
    if (chance(50) && a > len) d = a - len + PS;
    call_mremap(a, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, d);
  } else if (r == 6) {
    call_mremap(a, len, wrapping_len(), MREMAP_MAYMOVE, 0); /* EINVAL: too long */
  } else {
    call_mremap(a, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, pick_dest(len) + 1 + rnd(PS - 1)); /* unaligned */
  }
  return 1;
}

int gen_edge(void) {
  return chance(45) ? edge_mmap() : edge_other();
}

int gen_flags(void) {
  static const int rare[] = {MAP_STACK,    MAP_LOCKED,      MAP_NONBLOCK | MAP_POPULATE, MAP_HUGETLB,
                             VT_MAP_SYNC,  MAP_UNINITIALIZED, MAP_DENYWRITE,             MAP_EXECUTABLE,
                             VT_MAP_ABOVE4G, MAP_STACK | MAP_POPULATE};
  int extra = rare[rnd(sizeof rare / sizeof rare[0])];
  if (W.is32 && extra == VT_MAP_ABOVE4G) extra = MAP_STACK;
  int type = MAP_PRIVATE;
  if (!W.is32 && chance(12)) type = VT_MAP_DROPPABLE;
  else if (chance(15)) type = MAP_SHARED;
  u64 len = (1 + rnd(4)) * PS;
  int prot = chance(60) ? PROT_READ | PROT_WRITE : pick_prot();
  u64 addr = 0;
  int where = 0;
  if (ntrack && chance(60)) {
    /* Right after or before a mapping, where the new VM_* flags decide the merge. */
    int k = track_pick();
    addr = chance(50) ? T[k].addr + T[k].len : T[k].addr - len;
    if (chance(50)) prot = T[k].prot;
    where = MAP_FIXED;
    /*
     * An aligned huge-page mapping covers its length rounded up to 2 MiB, and a failed one leaves that
     * range unmapped (an unaligned one fails with EINVAL before touching anything).
     */
    u64 span = extra & MAP_HUGETLB && !(addr & (2 * MIB - 1)) ? (len + 2 * MIB - 1) & ~(2 * MIB - 1) : len;
    if (!safe(addr, addr + span)) return 0;
  }
  call_mmap(addr, len, prot, type | MAP_ANONYMOUS | extra | where, -1, 0);
  return 1;
}
