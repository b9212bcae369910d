/*
 * madv.c - a test program for record-real.sh: madvise advice that changes
 * VMA flags (splits, merges back, refusals, unmapped parts), and calls on
 * the special mappings ([vvar], [vvar_vclock], [vdso]) and the stack, grown
 * first by a deep recursion (page faults: vmrun writes a `fault` record).
 * MIT licence, part of @maple-tree/vma-mm. rec-real-madv32 was recorded as
 *
 *   gcc -m32 -O1 -Wall -o madv32 madv.c
 *   record-real.sh madv32 rec-real-madv32.jsonl.gz -- ./madv32
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>
#define PG 4096L
static char *named(const char *name) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[512];
  unsigned long lo = 0;
  while (fgets(line, sizeof line, f))
    if (strstr(line, name)) { sscanf(line, "%lx", &lo); break; }
  fclose(f);
  return (char *)lo;
}
/* About 1 MiB of stack frames, touched page by page. */
static int deep(int n) {
  volatile char frame[1024];
  memset((char *)frame, n, sizeof frame);
  return n ? deep(n - 1) + frame[7] : 0;
}

int main(void) {
  int d = deep(1000);
  char *r = mmap(0, 128 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(r + 64 * PG, 64 * PG);
  madvise(r + 4 * PG, 4 * PG, MADV_DONTFORK);
  mmap(r + 64 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  madvise(r + 60 * PG, 8 * PG, MADV_DONTFORK);
  mmap(r + 68 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  madvise(r + 4 * PG, 2 * PG, MADV_DOFORK);
  madvise(r + 6 * PG, 2 * PG, MADV_DOFORK);
  madvise(r + 10 * PG, 4 * PG, MADV_HUGEPAGE);
  madvise(r + 12 * PG, 4 * PG, MADV_NOHUGEPAGE);
  madvise(r + 16 * PG, 4 * PG, MADV_MERGEABLE);
  madvise(r + 18 * PG, 4 * PG, MADV_UNMERGEABLE);
  madvise(r + 24 * PG, 2 * PG, MADV_WIPEONFORK);
  madvise(r + 25 * PG, 2 * PG, MADV_KEEPONFORK);
  madvise(r + 28 * PG, 2 * PG, MADV_DONTDUMP);
  madvise(r + 28 * PG, 1 * PG, MADV_DODUMP);
  madvise(r + 32 * PG, 2 * PG, MADV_SEQUENTIAL);
  madvise(r + 33 * PG, 2 * PG, MADV_RANDOM);
  madvise(r + 32 * PG, 1 * PG, MADV_NORMAL);
  madvise(r + 36 * PG, 2 * PG, MADV_DONTNEED);
  madvise(r + 36 * PG + 1, 2 * PG, MADV_DONTFORK);
  madvise(r + 36 * PG, 0, MADV_DONTFORK);
  madvise(r + 36 * PG, -PG, MADV_DONTFORK);
  madvise(r + 36 * PG, 2 * PG, 999);
  /* a hole in the range: the mapped parts change, the answer is ENOMEM */
  munmap(r + 40 * PG, 2 * PG);
  madvise(r + 38 * PG, 6 * PG, MADV_DONTDUMP);
  /* the same advice again: nothing to split */
  madvise(r + 38 * PG, 2 * PG, MADV_DONTDUMP);
  /* files: no wipe-on-fork, read-ahead advice splits */
  char *lib = named("libc.so");
  madvise(lib, PG, MADV_WIPEONFORK);
  mmap(0, 8 * PG, PROT_READ, MAP_PRIVATE, -1, 0); /* a file mapping without a file: EBADF */
  madvise(lib, PG, MADV_SEQUENTIAL);
  madvise(lib, PG, MADV_NORMAL);
  /* shared anonymous memory is not KSM material; wipe-on-fork refused */
  char *s = mmap(0, 8 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  madvise(s, 4 * PG, MADV_MERGEABLE);
  madvise(s, 4 * PG, MADV_WIPEONFORK);
  madvise(s + 4 * PG, 2 * PG, MADV_HUGEPAGE);
  /* special mappings: no split, no DODUMP on [vvar] */
  char *vdso = (char *)getauxval(AT_SYSINFO_EHDR);
  char *vvar = named("[vvar]");
  madvise(vvar, PG, MADV_DODUMP);
  madvise(vvar, PG, MADV_DONTDUMP);
  madvise(vdso, PG, MADV_DONTFORK);
  mprotect(vdso, PG, PROT_READ);
  munmap(vdso + PG, PG);
  mremap(vdso, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, r + 80 * PG);
  madvise(vdso, 2 * PG, MADV_DONTDUMP);
  /* the whole of [vvar] and [vdso]: vvar may not become writable or executable, vdso may */
  char *vclock = named("[vvar_vclock]");
  mprotect(vvar, vclock - vvar, PROT_READ | PROT_WRITE);
  mprotect(vvar, vclock - vvar, PROT_READ | PROT_EXEC);
  mprotect(vvar, vclock - vvar, PROT_NONE);
  mprotect(vvar, vclock - vvar, PROT_READ);
  madvise(vvar, vclock - vvar, MADV_DOFORK);
  madvise(vvar, vclock - vvar, MADV_DONTFORK);
  madvise(vvar, vclock - vvar, MADV_MERGEABLE);
  madvise(vclock, 2 * PG, MADV_DOFORK);
  madvise(vdso, 2 * PG, MADV_DOFORK);
  madvise(vdso, 2 * PG, MADV_MERGEABLE);
  mprotect(vdso, 2 * PG, PROT_READ | PROT_WRITE | PROT_EXEC);
  mprotect(vdso, 2 * PG, PROT_READ | PROT_EXEC);
  /* past the last VMA */
  madvise((char *)0x7ffffffff000 - 4 * PG, 8 * PG, MADV_DONTFORK);
  /* the stack: its lowest pages */
  char *stack = named("[stack]");
  madvise(stack, PG, MADV_NOHUGEPAGE);
  printf("%p %p %p %d\n", r, vdso, vvar, d);
  return 0;
}
