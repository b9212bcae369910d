/*
 * track.c - the recorder's random source (splitmix64, seeded) and the
 * ranges it mapped (MIT licence, part of @maple-tree/vma-mm). The tracked
 * ranges are approximate - merges and partial unmaps are only roughly
 * followed - because they only serve to aim the next calls; the kernel's
 * answers and /proc/self/maps are what gets recorded.
 */
#include "vmtrace.h"

static u64 rng_state;

void rng_seed(u64 seed) {
  rng_state = seed * 0x2545f4914f6cdd1dULL + 1;
}

static u64 rnd64(void) {
  u64 z = (rng_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* Uniform in [0, n); 0 when n is 0. */
u64 rnd(u64 n) {
  return n ? rnd64() % n : 0;
}

int chance(int pct) {
  return (int)rnd(100) < pct;
}

struct tracked T[MAX_TRACK];
int ntrack;

void track_add(u64 addr, u64 len, int fdi, u64 off, int prot, int flags) {
  len = PAGE_UP(len);
  if (!len) return;
  int k = ntrack < MAX_TRACK ? ntrack++ : (int)rnd(MAX_TRACK);
  T[k].addr = addr;
  T[k].len = len;
  T[k].fdi = fdi;
  T[k].off = off;
  T[k].prot = prot;
  T[k].flags = flags;
}

/* Forget what [s, e) no longer holds: whole entries go, edges are trimmed. */
void track_remove(u64 s, u64 e) {
  for (int k = 0; k < ntrack;) {
    u64 a = T[k].addr, b = a + T[k].len;
    if (s <= a && b <= e) {
      T[k] = T[--ntrack];
      continue;
    }
    if (s <= a && e > a) {
      T[k].off += e - a;
      T[k].addr = e;
      T[k].len = b - e;
    } else if (s < b && e >= b) T[k].len = s - a;
    k++;
  }
}

/* A random tracked entry (there must be one). */
int track_pick(void) {
  return (int)rnd((u64)ntrack);
}

/* The entry starting nearest above the end of entry k, or -1. */
int track_next_after(int k) {
  u64 end = T[k].addr + T[k].len;
  int best = -1;
  for (int j = 0; j < ntrack; j++)
    if (T[j].addr >= end && (best < 0 || T[j].addr < T[best].addr)) best = j;
  return best;
}
