/*
 * locks.c - a test program for record-real.sh: memory locking under
 * RLIMIT_MEMLOCK as an unprivileged process (MAP_LOCKED, mlock, mlock2,
 * munlock, mremap of a locked mapping): the pieces it splits off and merges
 * back, the limit (EAGAIN from mmap and mremap, ENOMEM from mlock), holes;
 * then mlockall (bad flags; MCL_FUTURE locking and faulting in every later
 * mapping and heap growth until the limit refuses them; MCL_CURRENT) and
 * munlockall.
 * MIT licence, part of @maple-tree/vma-mm. rec-real-locks was recorded as
 *
 *   gcc -O2 -Wall -o locks locks.c
 *   record-real.sh locks rec-real-locks.jsonl.gz -- /path/to/locks
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif
#define PG 4096L
#define MB (1L << 20)
static const int anon = MAP_PRIVATE | MAP_ANONYMOUS;
int main(void) {
  /* MAP_LOCKED against the limit (8 MiB here) */
  mmap(0, 16 * MB, PROT_READ, anon | MAP_LOCKED, -1, 0);
  char *l = mmap(0, 4 * MB, PROT_READ, anon | MAP_LOCKED, -1, 0);
  mmap(0, 5 * MB, PROT_READ, anon | MAP_LOCKED, -1, 0);
  /* growing a locked mapping past the limit, and within it */
  mremap(l, 4 * MB, 9 * MB, MREMAP_MAYMOVE);
  l = mremap(l, 4 * MB, 5 * MB, MREMAP_MAYMOVE);
  munmap(l + 4 * MB, MB);
  /* mlock and munlock pieces of a mapping (made apart from the loader's anonymous pages next to it, whose
     anon_vma, from faults the trace does not show, it would otherwise share) */
  char *r = mmap(0, 68 * PG, PROT_NONE, anon, -1, 0);
  munmap(r + 64 * PG, 4 * PG);
  mprotect(r, 64 * PG, PROT_READ | PROT_WRITE);
  mlock(r + 8 * PG, 8 * PG);
  mlock(r + 12 * PG, 8 * PG);
  mlock(r + 24 * PG + 100, 2 * PG);
  munlock(r + 8 * PG, 4 * PG);
  munlock(r + 12 * PG, 8 * PG);
  mlock2(r + 32 * PG, 4 * PG, MLOCK_ONFAULT);
  mlock2(r + 36 * PG, 4 * PG, 0);
  mlock2(r + 40 * PG, 4 * PG, 2);
  mlock(r + 32 * PG, 8 * PG);
  munlock(r, 64 * PG);
  /* a hole in the range */
  munmap(r + 48 * PG, 4 * PG);
  mlock(r + 44 * PG, 12 * PG);
  munlock(r + 44 * PG, 12 * PG);
  mlock(r + 80 * PG, PG);
  /* past the limit: 4 MiB locked already, 5 MiB more */
  char *big = mmap(0, 5 * MB, PROT_NONE, anon, -1, 0);
  mlock(big, 5 * MB);
  mlock(big, 3 * MB);
  mlock(big, 4 * MB);
  /* locking what is locked already does not count twice */
  mlock(big, 3 * MB);
  munlock(big, 5 * MB);
  mlock(l, 4 * MB + 4 * MB);
  /* read-only and shared mappings */
  char *s = mmap(0, 8 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  mlock(s + 2 * PG, 2 * PG);
  mlock(0, 0);
  mlock((void *)-PG, 2 * PG);
  /* everything at once: mlockall and munlockall (first unlock what the calls above left locked, and give
     back enough that the whole process fits in the limit) */
  munlockall();
  munmap(l, 4 * MB);
  munmap(big, 5 * MB);
  munmap(r, 64 * PG);
  mlockall(0);
  mlockall(MCL_ONFAULT);
  mlockall(8);
  /* future mappings only: each new one is locked, until the limit */
  mlockall(MCL_FUTURE);
  char *fa = mmap(0, 2 * MB, PROT_READ | PROT_WRITE, anon, -1, 0);
  mmap(0, 16 * MB, PROT_READ, anon, -1, 0);
  char *fb = mmap(0, 64 * PG, PROT_NONE, anon, -1, 0);
  sbrk(64 * PG);
  sbrk(16 * MB);
  mprotect(fb, 16 * PG, PROT_READ);
  /* what is there now, locked too (the process is small enough), then on fault */
  mlockall(MCL_CURRENT);
  mlockall(MCL_CURRENT | MCL_ONFAULT);
  mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT);
  mmap(0, 8 * PG, PROT_READ | PROT_WRITE, anon, -1, 0);
  munlockall();
  mmap(0, 16 * MB, PROT_READ, anon, -1, 0);
  munmap(fa, MB);
  printf("%p %p %p %p %p\n", l, r, big, fa, fb);
  return 0;
}
