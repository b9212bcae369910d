/*
 * guards.c - a test program for record-real.sh: guard regions
 * (MADV_GUARD_INSTALL 102, MADV_GUARD_REMOVE 103, Linux 6.13+). Installing
 * one gives anonymous memory its anon_vma (nothing is faulted in, so vmrun
 * writes no fault record): moved next to a fresh mapping afterwards, it keeps
 * its page offset and stays apart, where memory never touched would merge. A
 * file mapping gets none. Installs are refused on locked mappings; holes make
 * the answer ENOMEM; PROT_NONE and shared memory take them.
 * MIT licence, part of @maple-tree/vma-mm. rec-real-guards was recorded as
 *
 *   gcc -O2 -Wall -o guards guards.c
 *   record-real.sh guards rec-real-guards.jsonl.gz -- ./guards
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#define PG 4096L
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
#define GUARD_INSTALL 102
#define GUARD_REMOVE 103

/* Move the 4 pages at from right after a fresh 4-page mapping at to. */
static void move_next_to(char *from, char *to) {
  mmap(to, 4 * PG, RW, ANON, -1, 0);
  mremap(from, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, to + 4 * PG);
}

int main(void) {
  char *area = mmap(0, 512 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(area, 512 * PG);
  int fd = open("guards.dat", O_CREAT | O_RDWR | O_TRUNC, 0600);
  ftruncate(fd, 64 * PG);
  /* an install: the anon_vma keeps the moved mapping apart */
  mmap(area, 4 * PG, RW, ANON, -1, 0);
  madvise(area + PG, PG, GUARD_INSTALL);
  move_next_to(area, area + 16 * PG);
  /* a remove only: it merges */
  mmap(area + 40 * PG, 4 * PG, RW, ANON, -1, 0);
  madvise(area + 40 * PG, PG, GUARD_REMOVE);
  move_next_to(area + 40 * PG, area + 56 * PG);
  /* answers: PROT_NONE takes one, a locked mapping does not, holes are ENOMEM */
  mmap(area + 80 * PG, 4 * PG, PROT_NONE, ANON, -1, 0);
  madvise(area + 80 * PG, 4 * PG, GUARD_INSTALL);
  madvise(area + 86 * PG, 4 * PG, GUARD_INSTALL);
  madvise(area + 78 * PG, 8 * PG, GUARD_REMOVE);
  mmap(area + 90 * PG, 4 * PG, RW, ANON | MAP_LOCKED, -1, 0);
  madvise(area + 90 * PG, 4 * PG, GUARD_INSTALL);
  madvise(area + 90 * PG, 4 * PG, GUARD_REMOVE);
  mmap(area + 100 * PG, 4 * PG, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  madvise(area + 100 * PG, 4 * PG, GUARD_INSTALL);
  /* a private file mapping gets no anon_vma: moved next to a written one, it merges */
  char *f1 = mmap(area + 120 * PG, 4 * PG, RW, MAP_PRIVATE | MAP_FIXED, fd, 0);
  f1[0] = 1;
  char *f2 = mmap(area + 200 * PG, 4 * PG, RW, MAP_PRIVATE | MAP_FIXED, fd, 4 * PG);
  madvise(f2 + PG, PG, GUARD_INSTALL);
  mremap(f2, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, area + 124 * PG);
  unlink("guards.dat");
  return 0;
}
