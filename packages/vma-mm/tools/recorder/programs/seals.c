/*
 * seals.c - a test program for record-real.sh: memfd seals. F_SEAL_WRITE and
 * F_SEAL_FUTURE_WRITE make a shared writable mmap of the memfd EPERM and take
 * VM_MAYWRITE from a shared read-only one (mprotect cannot add PROT_WRITE:
 * EACCES); private mappings are left alone, writable or not. The other seals
 * (shrink, grow, seal) change nothing here. vmrun writes the seals in the
 * `open` record and a `seals` record when fcntl changed them. MIT licence,
 * part of @maple-tree/vma-mm. rec-real-seals was recorded as
 *
 *   gcc -O2 -Wall -o seals seals.c
 *   record-real.sh seals rec-real-seals.jsonl.gz -- ./seals
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#define PG 4096L
#define RW (PROT_READ | PROT_WRITE)

int main(void) {
  /* F_SEAL_FUTURE_WRITE: existing writable mappings stay, new shared writable ones are refused. */
  int m = memfd_create("future", MFD_ALLOW_SEALING);
  ftruncate(m, 16 * PG);
  char *w = mmap(0, 16 * PG, RW, MAP_SHARED, m, 0);
  fcntl(m, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW);
  mmap(0, 4 * PG, RW, MAP_SHARED, m, 0);
  fcntl(m, F_ADD_SEALS, F_SEAL_FUTURE_WRITE);
  mmap(0, 4 * PG, RW, MAP_SHARED, m, 0);
  char *ro = mmap(0, 4 * PG, PROT_READ, MAP_SHARED, m, 0);
  mprotect(ro, 4 * PG, RW);
  mprotect(w, 4 * PG, PROT_READ);
  mprotect(w, 4 * PG, RW);
  char *p = mmap(0, 4 * PG, PROT_READ, MAP_PRIVATE, m, 4 * PG);
  mprotect(p, 4 * PG, RW);
  mmap(0, 4 * PG, RW, MAP_PRIVATE, m, 8 * PG);
  /* Two read-only views next to each other: both lost VM_MAYWRITE, so they still merge. */
  char *a = mmap(0, 8 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  mmap(a, 4 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, m, 0);
  mmap(a + 4 * PG, 4 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, m, 4 * PG);
  /* F_SEAL_WRITE: only once no writable shared mapping is left (EBUSY before). */
  int s = memfd_create("write", MFD_ALLOW_SEALING);
  ftruncate(s, 8 * PG);
  char *sw = mmap(0, 8 * PG, RW, MAP_SHARED, s, 0);
  fcntl(s, F_ADD_SEALS, F_SEAL_WRITE);
  munmap(sw, 8 * PG);
  fcntl(s, F_ADD_SEALS, F_SEAL_WRITE);
  mmap(0, 8 * PG, RW, MAP_SHARED, s, 0);
  mmap(0, 8 * PG, RW, MAP_SHARED_VALIDATE, s, 0);
  char *sr = mmap(0, 8 * PG, PROT_READ, MAP_SHARED, s, 0);
  mprotect(sr, PG, PROT_READ | PROT_EXEC);
  mprotect(sr, PG, RW);
  mmap(0, 8 * PG, RW, MAP_PRIVATE, s, 0);
  /* The same file through a second descriptor (dup) and a reopened one: the seals are the inode's. */
  int d = dup(s);
  mmap(0, 4 * PG, RW, MAP_SHARED, d, 0);
  /* Sealed before anything was mapped; F_SEAL_SEAL then refuses more seals. */
  int q = memfd_create("sealed", MFD_ALLOW_SEALING);
  ftruncate(q, 4 * PG);
  fcntl(q, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SEAL);
  mmap(0, 4 * PG, RW, MAP_SHARED, q, 0);
  mmap(0, 4 * PG, PROT_READ, MAP_SHARED, q, 0);
  /* A memfd made without MFD_ALLOW_SEALING has F_SEAL_SEAL only: it maps as any shmem file. */
  int n = memfd_create("plain", 0);
  ftruncate(n, 4 * PG);
  fcntl(n, F_ADD_SEALS, F_SEAL_WRITE);
  mmap(0, 4 * PG, RW, MAP_SHARED, n, 0);
  return 0;
}
