/*
 * remapfile.c - a test program for record-real.sh: remap_file_pages, the
 * deprecated call the kernel now emulates with mmap. A range of a shared file
 * mapping gets another file offset (splitting, then merging back), prot must
 * be 0, the range is rounded down to pages, it may span only VMAs of the same
 * file and flags with no hole, private mappings, holes and wrapping offsets
 * are EINVAL, a locked mapping stays locked, and a shared mapping through a
 * read-only descriptor (no VM_SHARED) is refused. MIT licence, part of
 * @maple-tree/vma-mm. rec-real-remapfile was recorded as
 *
 *   gcc -O0 -Wall -o remapfile remapfile.c
 *   record-real.sh remapfile rec-real-remapfile.jsonl.gz -- ./remapfile
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#define PG 4096L
int main(void) {
  int fd = open("rfp.dat", O_RDWR | O_CREAT | O_TRUNC, 0600);
  ftruncate(fd, 64 * PG);
  char *area = mmap(0, 64 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(area, 64 * PG);
  char *s = mmap(area, 16 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
  remap_file_pages(s + 4 * PG, 2 * PG, 0, 10, 0);      /* splits: offset 10 pages */
  remap_file_pages(s + 4 * PG, 2 * PG, 0, 4, 0);       /* back: merges again */
  remap_file_pages(s + 4 * PG, 2 * PG, PROT_READ, 10, 0); /* prot must be 0: EINVAL */
  remap_file_pages(s + 4 * PG + 5, 2 * PG + 3, 0, 20, MAP_NONBLOCK); /* rounded down */
  remap_file_pages(s + 14 * PG, 4 * PG, 0, 30, 0);     /* runs past the VMA: EINVAL */
  char *p = mmap(area + 32 * PG, 8 * PG, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
  remap_file_pages(p, PG, 0, 3, 0);                    /* private: EINVAL */
  remap_file_pages(area + 48 * PG, PG, 0, 3, 0);       /* hole: EINVAL */
  mprotect(s + 8 * PG, 2 * PG, PROT_READ);
  remap_file_pages(s + 6 * PG, 6 * PG, 0, 40, 0);      /* spans two VMAs with different flags: EINVAL */
  remap_file_pages(s, 16 * PG, 0, 48, 0);
  mlock(s, 4 * PG);
  remap_file_pages(s, 2 * PG, 0, 0, 0);                /* a locked mapping stays locked */
  remap_file_pages(s + 12 * PG, PG, 0, (unsigned long)-1, 0);  /* wraps: EINVAL */
  remap_file_pages(s + 12 * PG, 0, 0, 1, 0);
  int ro = open("rfp.dat", O_RDONLY);
  char *r = mmap(area + 48 * PG, 4 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, ro, 0);
  remap_file_pages(r, 2 * PG, 0, 8, 0);                /* read-only fd shared: VM_SHARED cleared: EINVAL */
  return 0;
}
