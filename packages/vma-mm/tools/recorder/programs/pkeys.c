/*
 * pkeys.c - a test program for record-real.sh: pkey_mprotect. Key -1 (none)
 * makes it mprotect: splits and merges alike, and the same answers (an
 * unaligned start is EINVAL). Any other key must have come from pkey_alloc;
 * on a CPU without protection keys pkey_alloc fails (EINVAL) and a key is
 * EINVAL. The replay applies the calls with key -1 only (which keys a program
 * allocated is not recorded). MIT licence, part of @maple-tree/vma-mm.
 * rec-real-pkeys was recorded as
 *
 *   gcc -O0 -Wall -o pkeys pkeys.c
 *   record-real.sh pkeys rec-real-pkeys.jsonl.gz -- ./pkeys
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#define PG 4096L
int main(void) {
  char *a = mmap(0, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  syscall(SYS_pkey_mprotect, a + 4 * PG, 4 * PG, PROT_READ, -1);
  syscall(SYS_pkey_mprotect, a + 8 * PG, 4 * PG, PROT_READ, -1);
  syscall(SYS_pkey_mprotect, a + 8 * PG, 4 * PG, PROT_READ, 1);
  syscall(SYS_pkey_mprotect, a, 4 * PG, PROT_EXEC, -1);
  syscall(SYS_pkey_mprotect, a + 12 * PG, 4 * PG, PROT_READ | PROT_WRITE, -1);
  syscall(SYS_pkey_mprotect, a + 1, PG, PROT_READ, -1);
  int k = (int)syscall(SYS_pkey_alloc, 0, 0);
  syscall(SYS_pkey_mprotect, a, PG, PROT_READ, k);
  return 0;
}
