/*
 * gen-near.c - calls aimed right next to what is mapped (MIT licence, part
 * of @maple-tree/vma-mm), where the kernel's merge rules decide the layout:
 * mappings that continue a neighbour (contiguous file offsets, same flags,
 * possibly faulted with MAP_POPULATE so that anon_vma identities are lent
 * and compared), holes filled exactly (three-way merges), mprotect to a
 * neighbour's protection, moves and DONTUNMAP moves next to another mapping,
 * growth in place up to the next mapping, trimmed edges, and hints under a
 * grows-down mapping's guard gap. Plus the limit profile, which fills the
 * address space to vm.max_map_count and keeps calling at the limit.
 */
#include "vmtrace.h"

#include <sys/mman.h>

static int other_prot(int prot) {
  static const int p[] = {PROT_READ, PROT_READ | PROT_WRITE, PROT_NONE, PROT_READ | PROT_EXEC};
  int q = p[rnd(4)];
  return q == prot ? PROT_READ | PROT_WRITE : q;
}

/* The gap in pages from the end of entry k to the next tracked entry (0 when none is near). */
static u64 gap_after(int k, int *next) {
  *next = track_next_after(k);
  if (*next < 0) return 0;
  u64 g = (T[*next].addr - (T[k].addr + T[k].len)) / PS;
  return g <= 64 ? g : 0;
}

/* Map right after (or before) entry k, continuing it: same object, contiguous offset. */
static int continue_mapping(int k, int before) {
  struct tracked e = T[k];
  int next;
  u64 gap = gap_after(k, &next);
  u64 len = (1 + rnd(16)) * PS;
  if (!before && gap && chance(45)) len = gap * PS; /* fill the hole exactly */
  int flags = (e.flags & (MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_GROWSDOWN)) | MAP_FIXED;
  if (e.fdi < 0) flags |= MAP_ANONYMOUS;
  u64 addr = before ? e.addr - len : e.addr + e.len;
  u64 off = 0;
  if (e.fdi >= 0) {
    if (before && e.off < len) return 0;
    off = before ? e.off - len : e.off + e.len;
  }
  if (before && e.addr < len) return 0;
  int prot = chance(65) ? e.prot : other_prot(e.prot);
  if (chance(45) && !(flags & MAP_SHARED)) flags |= MAP_POPULATE;
  if (!safe(addr, addr + len)) return 0;
  call_mmap(addr, len, prot, flags, e.fdi, off);
  return 1;
}

static int near_mprotect(int k) {
  struct tracked e = T[k];
  int next;
  gap_after(k, &next);
  u64 n = e.len / PS, s = e.addr, len = e.len;
  u64 r = rnd(3);
  if (r == 1) len = (1 + rnd(n)) * PS; /* from the start */
  else if (r == 2) {
    u64 cut = rnd(n);
    s += cut * PS; /* to the end */
    len -= cut * PS;
  }
  int prot = next >= 0 && chance(50) ? T[next].prot : chance(50) ? e.prot : other_prot(e.prot);
  if (!safe(s, s + len)) return 0;
  call_mprotect(s, len, prot);
  return 1;
}

/* Move entry k (or its first pages) right after entry j, maybe keeping the source (DONTUNMAP). */
static int move_next_to(int k, int dontunmap) {
  int j = track_pick();
  struct tracked e = T[k];
  u64 len = chance(70) ? e.len : (1 + rnd(e.len / PS)) * PS;
  u64 dest = chance(75) ? T[j].addr + T[j].len : (T[j].addr > len ? T[j].addr - len : 0);
  if (!dest || (dest < e.addr + len && e.addr < dest + len)) return 0;
  if (!safe(e.addr, e.addr + len) || !safe(dest, dest + len)) return 0;
  int flags = MREMAP_MAYMOVE | MREMAP_FIXED | (dontunmap ? MREMAP_DONTUNMAP : 0);
  call_mremap(e.addr, len, len, flags, dest);
  return 1;
}

/* Grow entry k in place up to the next mapping (merging with it), or one page short of it. */
static int grow_to_next(int k) {
  int next;
  u64 gap = gap_after(k, &next);
  struct tracked e = T[k];
  if (!gap) return 0;
  u64 by = chance(75) ? gap : gap > 1 ? gap - 1 : gap + 1;
  if (!safe(e.addr, e.addr + e.len + by * PS)) return 0;
  call_mremap(e.addr, e.len, e.len + by * PS, chance(30) ? MREMAP_MAYMOVE : 0, 0);
  return 1;
}

/* Cut pages off one end of entry k, leaving a hole to fill later. */
static int trim_edge(int k) {
  struct tracked e = T[k];
  u64 n = e.len / PS;
  if (n < 2) return 0;
  u64 cut = (1 + rnd(n - 1)) * PS;
  u64 s = chance(50) ? e.addr : e.addr + e.len - cut;
  if (!safe(s, s + cut)) return 0;
  call_munmap(s, cut);
  return 1;
}

/* A hint just under entry k (inside its guard gap when it grows down), or a grows-down mapping beside it. */
static int under_guard(int k) {
  struct tracked e = T[k];
  u64 len = (1 + rnd(8)) * PS;
  if (chance(60)) {
    u64 below = (1 + rnd(300)) * PS;
    if (e.addr <= below + len) return 0;
    call_mmap(e.addr - below - len, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return 1;
  }
  u64 addr = chance(50) ? e.addr + e.len : e.addr - len;
  if (!safe(addr, addr + len)) return 0;
  call_mmap(addr, len, e.prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED, -1, 0);
  return 1;
}

int gen_near(void) {
  if (!ntrack) return 0;
  int k = track_pick();
  u64 r = rnd(100);
  if (r < 24) return continue_mapping(k, 0);
  if (r < 36) return continue_mapping(k, 1);
  if (r < 52) return near_mprotect(k);
  if (r < 64) return move_next_to(k, 0);
  if (r < 70) return move_next_to(k, 1);
  if (r < 80) return grow_to_next(k);
  if (r < 92) return trim_edge(k);
  return under_guard(k);
}

/* ------------------------------------------------------ the limit profile */

/*
 * One big PROT_NONE reservation is split page by page (an mprotect of a lone
 * page inside it adds two VMAs) until the kernel refuses at max_map_count;
 * from then on a share of the calls are small splits and moves inside the
 * filled area, where the map count decides the answer. The random calls of
 * the other generators treat the area as protected, so that it stays full.
 * The last call unmaps the whole area (one call, no split), which keeps the
 * final snapshot small; the answers at the limit already pin the map count.
 */
static u64 limit_base, limit_pages, limit_next;
static int limit_full;

static int limit_small_op(void) {
  u64 s = limit_base + rnd(limit_next) * PS, len = (1 + rnd(3)) * PS;
  u64 r = rnd(100);
  if (r < 35) call_munmap(s, len);
  else if (r < 70) call_mprotect(s, len, pick_prot());
  else if (r < 85) call_mremap(s, PS, len, MREMAP_MAYMOVE, 0);
  else call_mmap(s, len, pick_prot(), MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  return 1;
}

int gen_limit(void) {
  if (!limit_base) {
    limit_pages = (u64)W.max_map_count * 2 + 4096;
    u64 at = call_mmap(0, limit_pages * PS, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (last_errno) die("cannot reserve the limit area");
    limit_base = at;
    track_remove(at, at + limit_pages * PS); /* aimed at explicitly, not through the tracker */
    protect_range(at, at + limit_pages * PS);
    limit_next = 1;
    return 1;
  }
  if (op_no == W.ops - 1) {
    call_munmap(limit_base, limit_pages * PS);
    return 1;
  }
  if (!limit_full) {
    if (limit_next + 2 >= limit_pages) limit_full = 1;
    else if (chance(98)) {
      u64 s = limit_base + limit_next * PS;
      limit_next += 2;
      call_mprotect(s, PS, PROT_READ);
      if (last_errno) limit_full = 1; /* the kernel refused the split: at the limit */
      return 1;
    } else return 0;
  }
  if (chance(40)) return limit_small_op();
  return 0;
}
