/*
 * protbits.c - a test program for record-real.sh: prot values with bits
 * beyond read, write and exec. mmap ignores them; mprotect takes PROT_SEM,
 * refuses unknown bits, and with PROT_GROWSDOWN extends the range down to
 * the start of a grows-down VMA (PROT_GROWSUP, and PROT_GROWSDOWN on any
 * other VMA, are EINVAL). vmrun logs such calls with prot_raw.
 * MIT licence, part of @maple-tree/vma-mm. rec-real-protbits was recorded as
 *
 *   gcc -O2 -Wall -o protbits protbits.c
 *   record-real.sh protbits rec-real-protbits.jsonl.gz -- ./protbits
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#define PG 4096L
#define PROT_SEM 0x8
int main(void) {
  char *area = mmap(0, 64 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  /* mmap: the extra bits change nothing */
  mmap(area, 4 * PG, PROT_READ | PROT_SEM, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  mmap(area + 4 * PG, 4 * PG, PROT_READ | 0x10, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  mmap(area + 8 * PG, 4 * PG, PROT_READ | PROT_GROWSDOWN, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  /* mprotect: PROT_SEM is accepted, other bits are not */
  mprotect(area + 16 * PG, 4 * PG, PROT_READ | PROT_SEM);
  mprotect(area + 20 * PG, 4 * PG, PROT_READ | 0x10);
  mprotect(area + 24 * PG, 4 * PG, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP);
  mprotect(area + 24 * PG, 4 * PG, PROT_READ | PROT_GROWSUP);
  mprotect(area + 24 * PG, 4 * PG, PROT_READ | PROT_GROWSDOWN);
  /* a grows-down VMA: PROT_GROWSDOWN reaches down to its start */
  char *g = mmap(area + 40 * PG, 16 * PG, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, -1, 0);
  mprotect(g + 8 * PG, 4 * PG, PROT_READ | PROT_GROWSDOWN);
  mprotect(g + 2 * PG, 2 * PG, PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN);
  return 0;
}
