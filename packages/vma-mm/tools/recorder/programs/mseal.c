/*
 * mseal.c - a test program for record-real.sh: memory sealing (mseal, Linux
 * 6.10+, 64-bit kernels). Sealing splits a mapping; its arguments (flags,
 * alignment, holes: ENOMEM, nothing sealed); then what a sealed mapping
 * refuses with EPERM: munmap (inside it, or a range that reaches it: the
 * start split stays), mprotect (even to its own protection), mremap of it
 * and onto it, MAP_FIXED over it, discarding advice on read-only private
 * anonymous memory, and brk shrinking into a sealed heap; and what it still
 * allows: mlock, munlock, WILLNEED, DONTFORK on writable memory, a mapping
 * moved before it was sealed. MIT licence, part of @maple-tree/vma-mm.
 * rec-real-mseal was recorded as
 *
 *   gcc -O0 -Wall -o mseal mseal.c
 *   record-real.sh mseal rec-real-mseal.jsonl.gz -- ./mseal
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#define PG 4096L
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
static long ms(void *a, long len, long fl) { return syscall(462, a, len, fl); }
#define P(x) ((void)(x))
int main(void) {
  char *a = mmap(0, 256 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(a, 256 * PG);
  mmap(a, 16 * PG, RW, ANON, -1, 0);
  P(ms(a + 4 * PG, 4 * PG, 0));          /* splits */
  P(ms(a + 4 * PG, 4 * PG, 1));          /* EINVAL flags */
  P(ms(a + 1, PG, 0));                   /* EINVAL align */
  P(ms(a + 14 * PG, 4 * PG, 0));         /* ENOMEM: hole */
  P(ms(a, 0, 0));
  P(munmap(a + 5 * PG, PG));             /* EPERM */
  P(munmap(a + 2 * PG, 4 * PG));         /* EPERM, start split stays? */
  P(munmap(a, 2 * PG));
  P(mprotect(a + 2 * PG, 4 * PG, PROT_READ)); /* EPERM after changing first part? */
  P(mprotect(a + 4 * PG, PG, RW));       /* same prot: EPERM? */
  P(mremap(a + 4 * PG, 4 * PG, 8 * PG, MREMAP_MAYMOVE));
  P(mremap(a + 4 * PG, 4 * PG, 2 * PG, 0));
  P(mremap(a + 10 * PG, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, a + 4 * PG));
  P(mmap(a + 4 * PG, PG, RW, ANON, -1, 0));
  P(madvise(a + 4 * PG, PG, MADV_DONTNEED));
  P(madvise(a + 4 * PG, PG, MADV_DONTFORK));
  P(madvise(a + 4 * PG, PG, MADV_RANDOM));
  P(mlock(a + 4 * PG, PG));
  P(munlock(a + 4 * PG, PG));
  P(mprotect(a + 9 * PG, PG, PROT_READ));
  P(ms(a + 8 * PG, 2 * PG, 0));          /* next to sealed: merge */
  P(madvise(a + 9 * PG, PG, MADV_DONTNEED)); /* read-only anon sealed: EPERM */
  P(madvise(a + 9 * PG, PG, MADV_FREE));
  P(madvise(a + 9 * PG, PG, MADV_WILLNEED));
  P(madvise(a + 9 * PG, PG, 102));
  P(mremap(a + 12 * PG, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, a + 100 * PG));
  P(mremap(a + 100 * PG, 2 * PG, 6 * PG, 0));
  P(ms(a + 100 * PG, 2 * PG, 0));
  P(mremap(a + 100 * PG, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0));
  void *b = sbrk(0);
  sbrk(8 * PG);
  P(ms((char *)b, 8 * PG, 0));
  P(brk((char *)b + 4 * PG));
  P(brk((char *)b + 16 * PG));
  P(munmap(a + 4 * PG, 1 << 20));
  return 0;
}
