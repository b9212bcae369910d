/*
 * vmlimits.c - a test program for record-real.sh: RLIMIT_DATA and RLIMIT_AS
 * (may_expand_vm, check_data_rlimit). Private writable memory counts as data
 * (not shared memory, not read-only memory until mprotect makes it
 * writable), a MAP_FIXED mapping counts only what it adds, mremap growth and
 * an MREMAP_DONTUNMAP copy count, brk counts the heap and the data segment;
 * PROT_NONE reservations count against RLIMIT_AS. MIT licence, part of
 * @maple-tree/vma-mm. rec-real-vmlimits was recorded as
 *
 *   gcc -O0 -Wall -o vmlimits vmlimits.c
 *   record-real.sh vmlimits rec-real-vmlimits.jsonl.gz -- /bin/sh -c 'ulimit -d 32768; ulimit -v 163840; exec ./vmlimits'
 *
 * (the header holds the limits the program's exec found: vmrun reads them with prlimit).
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>
#define PG 4096L
#define MB (1L << 20)
static int deep(int n) { volatile char buf[4096]; buf[0] = (char)n; return n ? deep(n - 1) + buf[0] : 0; }
int main(void) {
  /* run with RLIMIT_DATA 32 MiB and RLIMIT_AS 160 MiB */
  char *a = mmap(0, 20 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); /* data */
  mmap(0, 20 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);            /* data: over 32 MiB */
  char *r = mmap(0, 20 * MB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);                /* not data */
  mprotect(r, 4 * MB, PROT_READ | PROT_WRITE);                                            /* fits */
  mprotect(r + 4 * MB, 16 * MB, PROT_READ | PROT_WRITE);                                  /* ENOMEM */
  mmap(0, 20 * MB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);             /* shared: not data */
  mmap(a, 20 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0); /* replaces: fits */
  mremap(a, 20 * MB, 30 * MB, MREMAP_MAYMOVE);                                             /* ENOMEM */
  mremap(a, 20 * MB, 20 * MB, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);                       /* copies 20 MiB: ENOMEM? */
  void *b = sbrk(0);
  sbrk(2 * MB);                                                                             /* over data: fails */
  munmap(a, 20 * MB);
  sbrk(2 * MB);
  sbrk(-MB);
  char *big = mmap(0, 100 * MB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0); /* AS */
  mmap(0, 100 * MB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);           /* AS: over */
  munmap(big, 100 * MB);
  deep(200);                                                                                /* stack grows ~800 KiB */
  (void)b;
  return 0;
}
