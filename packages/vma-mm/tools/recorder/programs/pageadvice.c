/*
 * pageadvice.c - a test program for record-real.sh: madvise advice that acts
 * on pages rather than on VMA flags (WILLNEED, DONTNEED, FREE, REMOVE, COLD,
 * PAGEOUT, DONTNEED_LOCKED, HWPOISON, SOFT_OFFLINE) on every kind of mapping
 * the model knows: private and PROT_NONE anonymous memory, locked memory,
 * private and shared file mappings (one through a read-only descriptor),
 * shared anonymous memory, [vdso], [vvar], holes, and ranges spanning several
 * of them. The layout never changes; only the answers matter.
 * MIT licence, part of @maple-tree/vma-mm. rec-real-pageadvice was recorded as
 *
 *   gcc -O2 -Wall -o pageadvice pageadvice.c
 *   record-real.sh pageadvice rec-real-pageadvice.jsonl.gz -- ./pageadvice
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>
#define PG 4096L
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)

static const int advice[] = {
    3 /* WILLNEED */, 4 /* DONTNEED */,         8 /* FREE */,
    9 /* REMOVE */,   20 /* COLD */,            21 /* PAGEOUT */,
    24 /* DONTNEED_LOCKED */, 100 /* HWPOISON */, 101 /* SOFT_OFFLINE */,
};
#define NADV (int)(sizeof advice / sizeof advice[0])

/* Every advice over [p, p + n pages). */
static void all(char *p, long n) {
  for (int i = 0; i < NADV; i++) madvise(p, n * PG, advice[i]);
}

int main(void) {
  char *area = mmap(0, 256 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(area, 256 * PG);
  int fd = open("pageadvice.dat", O_CREAT | O_RDWR | O_TRUNC, 0600);
  ftruncate(fd, 64 * PG);
  int ro = open("pageadvice.dat", O_RDONLY);

  char *anon = mmap(area, 4 * PG, RW, ANON, -1, 0);
  anon[0] = 1;
  all(anon, 4);
  char *none = mmap(area + 8 * PG, 4 * PG, PROT_NONE, ANON, -1, 0);
  all(none, 4);
  char *locked = mmap(area + 16 * PG, 4 * PG, RW, ANON | MAP_LOCKED, -1, 0);
  all(locked, 4);
  char *priv = mmap(area + 24 * PG, 4 * PG, RW, MAP_PRIVATE | MAP_FIXED, fd, 0);
  all(priv, 4);
  char *shared = mmap(area + 32 * PG, 4 * PG, RW, MAP_SHARED | MAP_FIXED, fd, 4 * PG);
  all(shared, 4);
  char *shared_ro = mmap(area + 40 * PG, 4 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, ro, 8 * PG);
  all(shared_ro, 4);
  char *shanon = mmap(area + 48 * PG, 4 * PG, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  all(shanon, 4);
  char *rofile = mmap(area + 56 * PG, 4 * PG, PROT_READ, MAP_PRIVATE | MAP_FIXED, ro, 0);
  all(rofile, 4);

  /* ranges over holes and over several kinds at once */
  all(area + 4 * PG, 8);   /* hole, then PROT_NONE */
  all(area, 20);            /* anon, hole, none, hole, locked */
  all(area + 12 * PG, 24);  /* hole, locked, hole, private file, hole, shared file */
  all(area + 60 * PG, 4);   /* a hole only */

  /* argument checks: unaligned start, zero length, a length that wraps */
  madvise(area + 1, PG, 4);
  madvise(area, 0, 4);
  madvise(area, -PG, 4);
  madvise(area + 1, PG, 100);

  /* the vDSO and its data pages */
  char *vdso = (char *)getauxval(AT_SYSINFO_EHDR);
  if (vdso) {
    all(vdso, 1);
    all(vdso - 6 * PG, 4);
    all(vdso - 2 * PG, 2);
  }
  unlink("pageadvice.dat");
  return 0;
}
