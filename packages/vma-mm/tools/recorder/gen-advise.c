/*
 * gen-advise.c - calls that change VMA flags but not protections (MIT
 * licence, part of @maple-tree/vma-mm): madvise with the advice that sets or
 * clears a flag (read-ahead, fork, core dump, KSM, huge pages) and now and
 * then advice that only acts on pages or does not exist; mlock, mlock2 and
 * munlock, which also fault the range in (files past their end included);
 * MAP_LOCKED mappings, some bigger than what RLIMIT_MEMLOCK leaves; and now
 * and then mlockall (any mix of MCL_* flags) or munlockall.
 * Ranges come from pick_range (whole, partial, spanning, edge-straddling),
 * a few with an unaligned start or a length whose end wraps around.
 */
#include "vmtrace.h"

#include <sys/mman.h>
#include <sys/syscall.h>

#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif

/* MADV_NORMAL, RANDOM, SEQUENTIAL, DONTFORK ... KEEPONFORK. */
static const int flag_advice[] = {0, 1, 2, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19};

int gen_advise(void) {
  if (!ntrack) return 0;
  u64 s, len;
  pick_range(&s, &len);
  /* A length whose end wraps: only a 64-bit driver has one (a 32-bit one's end is past 4 GiB, not wrapped,
     and the kernel would walk all of the driver's own memory). */
  int wraps = !W.is32 && chance(3);
  if (wraps) len = (u64)0 - (1 + rnd(4)) * PS;
  else if (chance(5)) s += 1 + rnd(PS - 1); /* unaligned: EINVAL for madvise, rounded down by mlock */
  u64 lo = s & ~(PS - 1);
  /* Never the driver's own memory (a wrapping length is refused before anything is touched). */
  if (!wraps && !safe(lo, PAGE_UP(s + len))) return 0;
  u64 r = rnd(100);
  if (r >= 95) {
    /* Everything at once: mlockall with any MCL_* mix (some invalid), or munlockall. */
    static const u64 mcl[] = {1, 2, 3, 5, 6, 7, 0, 4, 8};
    if (r < 97) call_raw("mlockall", SYS_mlockall, mcl[rnd(sizeof mcl / sizeof mcl[0])], 0, 0);
    else call_raw("munlockall", SYS_munlockall, 0, 0, 0);
    return 1;
  }
  if (r < 55) {
    int advice = chance(92) ? flag_advice[rnd(sizeof flag_advice / sizeof flag_advice[0])]
                 : chance(50)        ? MADV_DONTNEED
                                     : 999;
    call_raw("madvise", SYS_madvise, s, len, (u64)advice);
  } else if (r < 70) {
    call_raw("mlock", SYS_mlock, s, len, 0);
  } else if (r < 80) {
    call_raw("mlock2", SYS_mlock2, s, len, chance(70) ? MLOCK_ONFAULT : chance(50) ? 0 : 2);
  } else if (r < 90) {
    call_raw("munlock", SYS_munlock, s, len, 0);
  } else {
    u64 n = (1 + rnd(chance(75) ? 64 : 3072)) * PS; /* up to 12 MiB: past an 8 MiB limit sometimes */
    u64 hint = chance(70) ? 0 : pick_hint() & ~(PS - 1);
    call_mmap(hint, n, pick_prot(), MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
  }
  return 1;
}
