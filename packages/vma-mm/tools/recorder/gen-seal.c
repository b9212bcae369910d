/*
 * gen-seal.c - the seal profile's calls (MIT licence, part of
 * @maple-tree/vma-mm): mseal on whole, partial, spanning and edge-straddling
 * ranges (now and then unaligned, with flags, or over a hole), after which
 * the near profile's munmap, mprotect, mremap and MAP_FIXED calls run into
 * sealed VMAs; and anonymous MAP_HUGETLB mappings, mostly with MAP_NORESERVE
 * (which maps although no huge page is reserved), private or shared, placed
 * by the kernel, hinted, or fixed at a 2 MiB boundary next to a mapping, so
 * that later calls split, move and advise them off and on huge page
 * boundaries.
 */
#include "vmtrace.h"

#include <sys/mman.h>
#include <sys/syscall.h>

#define HUGE_PAGE (2 * MIB)
#define SYS_MSEAL 462

static int gen_mseal(void) {
  if (!ntrack) return 0;
  u64 s, len;
  pick_range(&s, &len);
  if (chance(5)) s += 1 + rnd(PS - 1); /* unaligned: EINVAL */
  if (!safe(s & ~(PS - 1), PAGE_UP(s + len))) return 0;
  call_raw("mseal", SYS_MSEAL, s, len, chance(97) ? 0 : 1);
  return 1;
}

static int gen_huge(void) {
  u64 len = (1 + rnd(3)) * HUGE_PAGE - (chance(40) ? rnd(HUGE_PAGE / PS) * PS : 0);
  const u64 span = (len + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
  int flags = (chance(80) ? MAP_PRIVATE : MAP_SHARED) | MAP_ANONYMOUS | MAP_HUGETLB;
  if (chance(85)) flags |= MAP_NORESERVE;
  u64 addr = 0;
  if (ntrack && chance(50)) {
    /* At a 2 MiB boundary right after or before a mapping (one in 8 off the boundary: EINVAL). */
    int k = track_pick();
    addr = chance(50) ? (T[k].addr + T[k].len + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1)
                      : (T[k].addr & ~(HUGE_PAGE - 1)) - span;
    if (chance(12)) addr += PS;
    /* Below the mapping there may be no room (the subtraction wrapped), above it no address space. */
    u64 base = addr & ~(HUGE_PAGE - 1);
    if (base > W.task_size || span > W.task_size - base || !safe(base, base + span)) return 0;
    flags |= chance(70) ? MAP_FIXED : 0;
  } else if (chance(20)) {
    addr = pick_hint();
  }
  u64 got = call_mmap(addr, len, chance(70) ? PROT_READ | PROT_WRITE : pick_prot(), flags, -1, 0);
  /* The mapping covers whole huge pages: later calls must know how far (a shrinking mremap of a hugetlb
     VMA rounds its old length up too, and unmaps that far, past the VMA if need be). */
  if (!last_errno)
    for (int k = 0; k < ntrack; k++)
      if (T[k].addr == got) T[k].len = span;
  return 1;
}

int gen_seal(void) {
  return chance(45) ? gen_mseal() : gen_huge();
}
