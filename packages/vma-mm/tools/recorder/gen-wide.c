/*
 * gen-wide.c - calls that use the whole address space (MIT licence, part of
 * @maple-tree/vma-mm): huge PROT_NONE, MAP_NORESERVE reservations (terabytes
 * on x86_64, hundreds of megabytes for ia32) that soon exhaust the top-down
 * area so that searches fall back to bottom-up ones, MAP_32BIT mappings big
 * enough to fill the 1-2 GiB window, MAP_ABOVE4G, and hints near or past the
 * top of the 47-bit window. Reservations are never charged (MAP_NORESERVE),
 * so overcommit accounting, which the model leaves out, never decides.
 */
#include "vmtrace.h"

#include <sys/mman.h>

#define TIB (1024ULL * 1024ULL * 1024ULL * 1024ULL)

int gen_wide(void) {
  u64 r = rnd(100);
  int reserve = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
  if (r < 35) {
    u64 len = W.is32 ? (64 + rnd(448)) * MIB : (1 + rnd(16)) * TIB - rnd(64) * PS;
    call_mmap(chance(80) ? 0 : pick_hint() & ~(PS - 1), len, PROT_NONE, reserve, -1, 0);
  } else if (r < 55 && !W.is32) {
    u64 len = (16 + rnd(240)) * MIB;
    call_mmap(0, len, chance(70) ? PROT_NONE : PROT_READ, reserve | VT_MAP_32BIT, -1, 0);
  } else if (r < 65 && !W.is32) {
    call_mmap(chance(50) ? 0 : pick_hint() & ~(PS - 1), (1 + rnd(64)) * MIB, PROT_NONE,
              reserve | VT_MAP_ABOVE4G, -1, 0);
  } else if (r < 80) {
    /* A hint near the top of the window, at its edge, or beyond it (ignored without 5-level paging). */
    u64 top = W.task_size;
    u64 len = (1 + rnd(64)) * PS;
    u64 hint = chance(40) ? top - len - rnd(1024) * PS : chance(50) ? top - len + rnd(4) * PS : top + rnd(1024) * PS;
    if (!W.is32 && chance(20)) hint = 0x800000000000ULL + rnd(1024) * PS;
    call_mmap(hint, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  } else {
    /* Give some space back: unmap (part of) a tracked reservation. */
    if (!ntrack) return 0;
    int k = track_pick();
    u64 a = T[k].addr, len = T[k].len;
    if (chance(50) && len > 2 * PS) {
      u64 cut = (1 + rnd(len / PS - 1)) * PS;
      a += chance(50) ? 0 : len - cut;
      len = cut;
    }
    if (!safe(a, a + len)) return 0;
    call_munmap(a, len);
  }
  return 1;
}
