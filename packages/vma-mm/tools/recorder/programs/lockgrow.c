/*
 * lockgrow.c - a test program for record-real.sh: mremap growing a locked
 * mapping faults the new pages in (mm_populate), moved or in place, so a
 * private writable mapping gets its anon_vma there. The locked mappings are
 * made without pages first (an mlock that runs into a hole locks the VMA
 * before it fails, and populates nothing); afterwards each is unlocked and
 * moved next to a fresh mapping: with an anon_vma it keeps its page offset
 * and stays apart, without one it would take its new address and merge.
 * MIT licence, part of @maple-tree/vma-mm. rec-real-lockgrow was recorded as
 *
 *   gcc -O2 -Wall -o lockgrow lockgrow.c
 *   record-real.sh lockgrow rec-real-lockgrow.jsonl.gz -- ./lockgrow
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#define PG 4096L
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)

/* One page at p, locked (the mlock fails at the hole after it) but not faulted in. */
static void locked_page(char *p) {
  mmap(p, PG, RW, ANON, -1, 0);
  mlock(p, 2 * PG);
}

/* Unlock the 4 pages at from and move them right after a fresh 4-page mapping at to. */
static void unlock_and_move(char *from, char *to) {
  munlock(from, 4 * PG);
  mmap(to, 4 * PG, RW, ANON, -1, 0);
  mremap(from, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, to + 4 * PG);
}

int main(void) {
  char *area = mmap(0, 256 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(area, 256 * PG);
  /* grown while moving */
  locked_page(area);
  mremap(area, PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, area + 16 * PG);
  unlock_and_move(area + 16 * PG, area + 64 * PG);
  /* grown in place */
  locked_page(area + 128 * PG);
  mremap(area + 128 * PG, PG, 4 * PG, 0);
  unlock_and_move(area + 128 * PG, area + 192 * PG);
  /* for comparison: not locked, so not faulted in: it merges */
  mmap(area + 32 * PG, PG, RW, ANON, -1, 0);
  mremap(area + 32 * PG, PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, area + 40 * PG);
  unlock_and_move(area + 40 * PG, area + 96 * PG);
  return 0;
}
