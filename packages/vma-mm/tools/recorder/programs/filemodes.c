/*
 * filemodes.c - a test program for record-real.sh: files mapped through
 * read-only and write-only descriptors, a dup, a memfd (and its dup), a
 * /dev/shm (tmpfs) file, MAP_SYNC, and files unlinked or renamed while
 * mapped.
 * MIT licence, part of @maple-tree/vma-mm. rec-real-filemodes was recorded as
 *
 *   gcc -O2 -Wall -o filemodes filemodes.c
 *   record-real.sh filemodes rec-real-filemodes.jsonl.gz -- ./filemodes
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 3
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#define PG 4096L
int main(void) {
  int rw = open("f.dat", O_CREAT | O_RDWR | O_TRUNC, 0600);
  ftruncate(rw, 64 * PG);
  int ro = open("f.dat", O_RDONLY), wo = open("f.dat", O_WRONLY);
  char *area = mmap(0, 256 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  /* a read-only descriptor, shared: no VM_MAYWRITE */
  char *a = mmap(area, 4 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, ro, 0);
  mprotect(a, PG, PROT_READ | PROT_WRITE);
  mprotect(a, PG, PROT_READ | PROT_EXEC);
  mmap(0, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
  mmap(0, 4 * PG, PROT_READ, MAP_PRIVATE, wo, 0);
  mmap(area + 8 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, ro, 0);
  /* the same open file through a dup: the two mappings merge */
  int d = dup(rw);
  mmap(area + 16 * PG, 4 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, rw, 0);
  mmap(area + 20 * PG, 4 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, d, 4 * PG);
  /* another open of the same file: no merge */
  mmap(area + 24 * PG, 4 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, ro, 8 * PG);
  /* MAP_SYNC: refused for ext4 without DAX, either way */
  mmap(0, 4 * PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_SYNC, rw, 0);
  mmap(0, 4 * PG, PROT_READ, MAP_SHARED | MAP_SYNC, rw, 0);
  /* memfd: tmpfs, no THP alignment; its mappings merge; MAP_SYNC only through plain MAP_SHARED */
  int m = memfd_create("m", 0);
  ftruncate(m, 8 << 20);
  char *b = mmap(0, 4 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0);
  int m2 = dup(m);
  mmap(b - (2 << 20), 2 << 20, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED_NOREPLACE, m2, 6 << 20);
  munmap(b - (2 << 20), 2 << 20);
  mmap(0, 4 * PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_SYNC, m, 0);
  mmap(0, 4 * PG, PROT_READ, MAP_SHARED | MAP_SYNC, m, 0);
  mmap(area + 32 * PG, 4 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, m, 0);
  mmap(area + 36 * PG, 4 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, m2, 4 * PG);
  /* a file in /dev/shm (tmpfs), unlinked while mapped */
  int s = open("/dev/shm/vmrun-filemodes", O_CREAT | O_RDWR | O_TRUNC, 0600);
  ftruncate(s, 4 << 20);
  mmap(0, 4 << 20, PROT_READ, MAP_SHARED, s, 0);
  unlink("/dev/shm/vmrun-filemodes");
  /* a file mapped, unlinked, mapped again right after through the same descriptor: it merges */
  int u = open("gone.dat", O_CREAT | O_RDWR | O_TRUNC, 0600);
  ftruncate(u, 8 * PG);
  mmap(area + 48 * PG, 2 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, u, 0);
  unlink("gone.dat");
  mmap(area + 50 * PG, 2 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, u, 2 * PG);
  /* renamed while mapped: one moves (maps prints its new name), one is renamed over (deleted) */
  int ra = open("ra.dat", O_CREAT | O_RDWR | O_TRUNC, 0600), rb = open("rb.dat", O_CREAT | O_RDWR | O_TRUNC, 0600);
  ftruncate(ra, 4 * PG);
  ftruncate(rb, 4 * PG);
  mmap(area + 54 * PG, 2 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, ra, 0);
  mmap(area + 57 * PG, 2 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, rb, 0);
  rename("rb.dat", "ra.dat");
  mmap(area + 59 * PG, 2 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, rb, 2 * PG);
  /* one more mapped and then unlinked, never mapped again */
  int v = open("gone2.dat", O_CREAT | O_RDWR | O_TRUNC, 0600);
  ftruncate(v, 4 * PG);
  mmap(area + 60 * PG, 4 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, v, 0);
  close(v);
  unlink("gone2.dat");
  printf("%p %p %p\n", area, a, b);
  return 0;
}
