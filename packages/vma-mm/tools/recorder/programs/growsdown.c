/*
 * growsdown.c - a test program for record-real.sh: MAP_GROWSDOWN mappings
 * other than the main stack. One grows by a fault below it (vmrun's `fault`
 * record), hints and MAP_FIXED_NOREPLACE land in and below its guard gap,
 * PROT_GROWSDOWN reaches down to its start, two grows-down mappings sit side
 * by side, mremap shrinks, moves and grows one, munmap cuts it, a locked one
 * grows; shared grows-down memory is EINVAL; and an mmap with a flag bit that
 * has no name (0x200), which vmrun writes as mmap_raw and the kernel ignores.
 * MIT licence, part of @maple-tree/vma-mm. rec-real-growsdown was recorded as
 *
 *   gcc -O0 -Wall -o growsdown growsdown.c
 *   record-real.sh growsdown rec-real-growsdown.jsonl.gz -- ./growsdown
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <string.h>
#include <unistd.h>
#define PG 4096L
#define RW (PROT_READ | PROT_WRITE)
int main(void) {
  char *area = mmap(0, 4096 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(area, 4096 * PG);
  char *g = mmap(area + 2048 * PG, 16 * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED, -1, 0);
  g[0] = 1;                 /* first page */
  volatile char *below = g - 3 * PG; *below = 2;  /* grow by fault */
  /* hint inside the guard gap below it */
  mmap(g - 64 * PG, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  mmap(g - 600 * PG, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  mmap(g - 300 * PG, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  mprotect(g + 4 * PG, PG, PROT_READ | PROT_GROWSDOWN);
  mprotect(g + 8 * PG, PG, PROT_READ);
  mprotect(g - 3 * PG, 2 * PG, PROT_READ | PROT_WRITE | PROT_EXEC);
  /* grows-down next to another grows-down mapping */
  char *h = mmap(area + 1024 * PG, 8 * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED, -1, 0);
  char *h2 = mmap(area + 1032 * PG, 8 * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED, -1, 0);
  h2[5] = 1; h[5] = 1;
  mremap(h, 8 * PG, 12 * PG, 0);
  mremap(h2, 8 * PG, 4 * PG, 0);
  mremap(h2, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, area + 3000 * PG);
  mremap(area + 3000 * PG, 4 * PG, 16 * PG, MREMAP_MAYMOVE);
  munmap(g, PG);
  munmap(g + 2 * PG, PG);
  volatile char *x = g + PG; (void)*x;
  /* grows-down file mapping (EINVAL? ) and shared */
  mmap(0, 4 * PG, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
  char *s = mmap(area + 500 * PG, 4 * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED, -1, 0);
  mlock(s, 4 * PG);
  madvise(s, PG, MADV_DONTNEED);
  volatile char *y = s - PG; *y = 1;   /* grows locked */
  munlock(s - PG, 5 * PG);
  /* grows-up request */
  mmap(0, 4 * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | 0x0200, -1, 0);
  return 0;
}
