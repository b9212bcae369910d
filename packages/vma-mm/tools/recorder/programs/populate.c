/*
 * populate.c - a test program for record-real.sh: MADV_POPULATE_READ (22)
 * and MADV_POPULATE_WRITE (23). A write populate of private memory gives it
 * its anon_vma (moved next to a fresh mapping afterwards it keeps its page
 * offset and stays apart); a read populate does not (it merges). Answers:
 * EINVAL where the access is not allowed (no write permission, PROT_NONE),
 * ENOMEM at a hole, EFAULT past the end of a file.
 * MIT licence, part of @maple-tree/vma-mm. rec-real-populate was recorded as
 *
 *   gcc -O2 -Wall -o populate populate.c
 *   record-real.sh populate rec-real-populate.jsonl.gz -- ./populate
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#define PG 4096L
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
#define POPULATE_READ 22
#define POPULATE_WRITE 23

/* Move the 4 pages at from right after a fresh 4-page mapping at to. */
static void move_next_to(char *from, char *to) {
  mmap(to, 4 * PG, RW, ANON, -1, 0);
  mremap(from, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, to + 4 * PG);
}

int main(void) {
  char *area = mmap(0, 512 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(area, 512 * PG);
  int fd = open("populate.dat", O_CREAT | O_RDWR | O_TRUNC, 0600);
  ftruncate(fd, 6 * PG);
  /* written: apart after the move */
  mmap(area, 4 * PG, RW, ANON, -1, 0);
  madvise(area, 4 * PG, POPULATE_WRITE);
  move_next_to(area, area + 16 * PG);
  /* read: merges */
  mmap(area + 40 * PG, 4 * PG, RW, ANON, -1, 0);
  madvise(area + 40 * PG, 4 * PG, POPULATE_READ);
  move_next_to(area + 40 * PG, area + 56 * PG);
  /* refusals */
  mmap(area + 80 * PG, 4 * PG, PROT_READ, ANON, -1, 0);
  madvise(area + 80 * PG, 4 * PG, POPULATE_WRITE);
  madvise(area + 80 * PG, 4 * PG, POPULATE_READ);
  mmap(area + 84 * PG, 4 * PG, PROT_NONE, ANON, -1, 0);
  madvise(area + 80 * PG, 8 * PG, POPULATE_READ);
  madvise(area + 90 * PG, 4 * PG, POPULATE_READ);
  madvise(area + 78 * PG, 4 * PG, POPULATE_READ);
  /* a file: past its end is EFAULT, after faulting what comes before */
  mmap(area + 100 * PG, 8 * PG, RW, MAP_PRIVATE | MAP_FIXED, fd, 0);
  madvise(area + 100 * PG, 8 * PG, POPULATE_READ);
  madvise(area + 100 * PG, 4 * PG, POPULATE_WRITE);
  mmap(area + 120 * PG, 8 * PG, RW, MAP_SHARED | MAP_FIXED, fd, 0);
  madvise(area + 120 * PG, 8 * PG, POPULATE_WRITE);
  madvise(area + 120 * PG, 6 * PG, POPULATE_WRITE);
  unlink("populate.dat");
  return 0;
}
