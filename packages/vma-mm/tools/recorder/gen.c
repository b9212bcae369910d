/*
 * gen.c - the random calls of the mixed and extra profiles (MIT licence,
 * part of @maple-tree/vma-mm): kernel-chosen, hinted and fixed addresses;
 * anonymous, private-file and shared-file mappings; whole, partial,
 * spanning and edge-straddling ranges of what was mapped; and a share of
 * calls that fail on purpose (EINVAL, EBADF, EEXIST, ENOMEM, EFAULT).
 * The extra profile adds shared anonymous memory, MAP_POPULATE,
 * MAP_GROWSDOWN, MAP_32BIT and MREMAP_DONTUNMAP. The heap profile also aims
 * brk at the mappings above the break.
 *
 * Each generator returns 1 when it issued a call, 0 when the draw was
 * unusable (it could touch a protected range); the main loop draws again.
 */
#include "vmtrace.h"

#include <sys/mman.h>

/* A length in bytes: mostly a few pages, sometimes THP-sized, big or not page aligned. */
u64 pick_len(void) {
  u64 r = rnd(100);
  u64 pages;
  if (r < 45) pages = 1 + rnd(4);
  else if (r < 70) pages = 5 + rnd(28);
  else if (r < 82) pages = 33 + rnd(480);
  else if (r < 90) return (1 + rnd(3)) * 2 * MIB;
  else if (r < 95) return (1 + rnd(8)) * PS - 1 - rnd(PS - 1);
  else pages = 512 + rnd(3584);
  return pages * PS;
}

int pick_prot(void) {
  static const int p[] = {PROT_READ,        PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE, PROT_READ | PROT_EXEC,
                          PROT_NONE,        PROT_READ | PROT_WRITE | PROT_EXEC};
  return p[rnd(sizeof p / sizeof p[0])];
}

/* A tracked range, or part of one, or a stretch spanning two of them (and what lies between). */
void pick_range(u64 *s, u64 *len) {
  int k = track_pick();
  u64 a = T[k].addr, n = T[k].len / PS;
  u64 r = rnd(100);
  if (r < 30) {
    *s = a;
    *len = n * PS;
  } else if (r < 70) {
    u64 off = rnd(n);
    *s = a + off * PS;
    *len = (1 + rnd(n - off)) * PS;
  } else if (r < 85) {
    int j = track_pick();
    u64 lo = a < T[j].addr ? a : T[j].addr;
    u64 hi = a + n * PS > T[j].addr + T[j].len ? a + n * PS : T[j].addr + T[j].len;
    *s = lo;
    *len = hi - lo;
  } else {
    u64 extra = (1 + rnd(8)) * PS; /* straddle an edge */
    if (chance(50) && a > extra) {
      *s = a - extra;
      *len = extra + (1 + rnd(n)) * PS;
    } else {
      u64 off = rnd(n);
      *s = a + off * PS;
      *len = (n - off) * PS + extra;
    }
  }
}

/* An address for a MAP_FIXED or MREMAP_FIXED destination of `len` bytes. */
u64 pick_dest(u64 len) {
  u64 r = rnd(100);
  if (!ntrack || r < 35) return W.low_zone + rnd(W.low_span / PS) * PS;
  if (r < 45) return PAGE_UP(W.cur_brk) + rnd(64) * PS; /* just above the break */
  int k = track_pick();
  u64 a = T[k].addr, n = T[k].len / PS;
  len = PAGE_UP(len);
  if (r < 65) return a + n * PS;         /* right after it: may merge */
  if (r < 80 && a > len) return a - len; /* right before it: may merge */
  return a + rnd(n) * PS;                /* over it */
}

/* A hint: free or taken, just below a mapping (its guard gap if it grows down), sometimes unaligned. */
u64 pick_hint(void) {
  u64 h;
  u64 r = rnd(100);
  if (!ntrack || r < 35) h = W.low_zone + rnd(W.low_span / PS) * PS;
  else {
    int k = track_pick();
    if (r < 60) h = T[k].addr;
    else if (r < 80) h = T[k].addr + T[k].len;
    else h = T[k].addr > 300 * PS ? T[k].addr - (1 + rnd(300)) * PS : T[k].addr;
  }
  if (chance(10)) h += 1 + rnd(PS - 1);
  return h;
}

int gen_mmap(void) {
  u64 len = pick_len();
  int prot = pick_prot();
  int flags = MAP_PRIVATE | MAP_ANONYMOUS;
  int fdi = -1;
  u64 off = 0;
  u64 r = rnd(100);
  int extra = W.profile != PROF_MIXED;

  /* What is mapped. */
  if (r < 25) {
    fdi = (int)rnd(4);
    flags = chance(70) ? MAP_PRIVATE : MAP_SHARED;
    off = rnd(W.fsize[fdi] / PS + 8) * PS;
    if (chance(15)) off = rnd(W.fsize[fdi] / (2 * MIB) + 1) * 2 * MIB;
    if (len > 6 * MIB) len = (1 + rnd(64)) * PS;
  } else if (extra && r < 35) {
    flags = MAP_SHARED | MAP_ANONYMOUS;
  }
  if (chance(5)) flags |= MAP_NORESERVE;
  if (extra && !(flags & MAP_SHARED) && fdi < 0 && chance(12)) flags |= MAP_GROWSDOWN;
  if (extra && chance(15) && len <= 64 * PS) flags |= MAP_POPULATE;
  if (extra && !W.is32 && chance(4)) flags |= VT_MAP_32BIT;

  /* Where. */
  u64 addr = 0;
  u64 w = rnd(100);
  if (w < 45) addr = 0;
  else if (w < 60) addr = pick_hint();
  else if (w < 70) {
    addr = pick_dest(len);
    flags |= MAP_FIXED_NOREPLACE; /* never replaces anything: may aim anywhere */
  } else {
    addr = pick_dest(len);
    flags |= MAP_FIXED;
    if (!safe(addr, addr + PAGE_UP(len))) return 0;
  }

  /* A few mistakes on purpose. */
  u64 e = rnd(100);
  if (e < 2) len = 0;                                            /* EINVAL */
  else if (e < 3 && fdi >= 0 && !W.is32) off += 1 + rnd(PS - 1); /* EINVAL: offset (mmap2 cannot say it) */
  else if (e < 4 && flags & MAP_FIXED) addr += 1 + rnd(PS - 1);  /* EINVAL: fixed, unaligned */
  else if (e < 5 && fdi < 0 && !(flags & MAP_SHARED)) {          /* EBADF: a file mapping without a file */
    flags &= ~MAP_ANONYMOUS;
    fdi = -2;
  } else if (e < 6) flags &= ~(MAP_PRIVATE | MAP_SHARED); /* EINVAL: no mapping type */
  else if (e < 7 && fdi >= 0) flags |= MAP_GROWSDOWN;      /* EINVAL: a grows-down file */
  else if (e < 8 && !(flags & (MAP_FIXED | MAP_POPULATE))) len = W.task_size - PS * rnd(4); /* ENOMEM */
  call_mmap(addr, len, prot, flags, fdi, off);
  return 1;
}

int gen_munmap(void) {
  u64 s, len;
  if (!ntrack) return 0;
  pick_range(&s, &len);
  if (chance(3)) s += 1 + rnd(PS - 1); /* EINVAL */
  else if (chance(2)) len = 0;         /* EINVAL */
  else if (chance(10)) len -= rnd(PS); /* rounded up */
  u64 as = s & ~(PS - 1);
  if (!safe(as, as + PAGE_UP(len))) return 0;
  call_munmap(s, len);
  return 1;
}

int gen_mprotect(void) {
  u64 s, len;
  if (!ntrack) return 0;
  if (chance(5)) {
    s = W.low_zone + rnd(W.low_span / PS) * PS; /* likely a hole: ENOMEM */
    len = (1 + rnd(16)) * PS;
  } else pick_range(&s, &len);
  if (chance(3)) s += 1 + rnd(PS - 1); /* EINVAL */
  else if (chance(10)) len -= rnd(PS);
  u64 as = s & ~(PS - 1);
  if (!safe(as, as + PAGE_UP(len))) return 0;
  call_mprotect(s, len, pick_prot());
  return 1;
}

int gen_mremap(void) {
  u64 s, len;
  if (!ntrack) return 0;
  pick_range(&s, &len);
  int extra = W.profile != PROF_MIXED;
  u64 r = rnd(100);
  u64 new_len = len, new_addr = 0;
  int flags = 0;
  if (r < 20) {
    new_len = len > PS ? (1 + rnd(len / PS - 1)) * PS : len; /* shrink in place */
  } else if (r < 35) {
    new_len = len + (1 + rnd(32)) * PS; /* grow in place, or ENOMEM */
  } else if (r < 60) {
    flags = MREMAP_MAYMOVE;
    new_len = chance(50) ? len + (1 + rnd(64)) * PS : (chance(50) ? len : (len + PS) / 2);
  } else if (r < 80) {
    flags = MREMAP_MAYMOVE | MREMAP_FIXED;
    new_len = chance(60) ? len : (1 + rnd(len / PS + 16)) * PS;
    new_addr = pick_dest(new_len);
  } else if (extra && r < 92) {
    flags = MREMAP_MAYMOVE | MREMAP_DONTUNMAP;
    if (chance(50)) {
      flags |= MREMAP_FIXED;
      new_addr = pick_dest(len);
    } else if (chance(30)) new_addr = pick_hint() & ~(PS - 1);
  } else if (extra && r < 95) {
    flags = MREMAP_MAYMOVE; /* old_len 0 duplicates a shared mapping (EINVAL for a private one) */
    new_len = len;
    len = 0;
  } else {
    /* Mistakes: fixed without maymove, unaligned source, zero new length, dontunmap resizing. */
    u64 m = rnd(4);
    if (m == 0) {
      flags = MREMAP_FIXED;
      new_addr = pick_dest(len);
    } else if (m == 1) s += 1 + rnd(PS - 1);
    else if (m == 2) new_len = 0;
    else {
      flags = MREMAP_MAYMOVE | MREMAP_DONTUNMAP;
      new_len = len + PS;
    }
  }
  u64 as = s & ~(PS - 1);
  u64 span = len > new_len ? len : new_len;
  if (!safe(as, as + PAGE_UP(span) + PS)) return 0;
  if (flags & MREMAP_FIXED && !safe(new_addr, new_addr + PAGE_UP(new_len))) return 0;
  call_mremap(s, len, new_len, flags, new_addr);
  return 1;
}

int gen_brk(void) {
  u64 r = rnd(100);
  u64 want;
  if (r < 10) want = 0;
  else if (r < 50) want = W.cur_brk + (1 + rnd(64)) * PS - (chance(20) ? rnd(PS) : 0);
  else if (r < 80) {
    u64 down = (1 + rnd(48)) * PS;
    want = W.cur_brk > W.start_brk + down ? W.cur_brk - down : W.start_brk;
  } else if (r < 88) want = W.start_brk;
  else if (r < 93) want = W.start_brk - (1 + rnd(16)) * PS; /* below start_brk: refused */
  else want = W.cur_brk + (64 + rnd(4096)) * PS;        /* far: may run into a mapping */
  if (W.profile == PROF_HEAP && ntrack && chance(25)) {
    /* Up to a mapping above the break: right below it, or one page into it. */
    int k = track_pick();
    if (T[k].addr > W.cur_brk && T[k].addr - W.cur_brk < 64 * MIB) want = T[k].addr - PS + rnd(3) * PS;
  }
  if (want > W.cur_brk && !safe(W.cur_brk & ~(PS - 1), PAGE_UP(want) + PS)) return 0;
  call_brk(want);
  return 1;
}
