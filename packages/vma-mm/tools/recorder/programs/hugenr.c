/*
 * hugenr.c - a test program for record-real.sh: hugetlbfs mappings on a
 * machine with no huge pages reserved (vm.nr_hugepages = 0). MAP_NORESERVE
 * reserves none, so anonymous MAP_HUGETLB memory and a hugetlbfs memfd map
 * anyway (without it the reservation fails: ENOMEM). Placement with and
 * without hints, MAP_FIXED (aligned or not), MAP_LOCKED, MAP_32BIT; splits
 * by munmap, mprotect and madvise at and off huge page boundaries; page
 * advice, mlock and populating (nothing can be faulted in); mremap of whole
 * and partial huge pages; 1 GiB pages, anonymous and in a memfd. MIT licence, part of @maple-tree/vma-mm.
 * rec-real-hugenr was recorded as
 *
 *   gcc -O0 -Wall -o hugenr hugenr.c
 *   record-real.sh hugenr rec-real-hugenr.jsonl.gz -- ./hugenr
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>
#define PG 4096L
#define HP (2L << 20)
#define GP (1L << 30)
#define RW (PROT_READ | PROT_WRITE)
#define HUGE (MAP_ANONYMOUS | MAP_HUGETLB | MAP_NORESERVE)
int main(void) {
  char *area = mmap(0, 64 * HP, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  munmap(area, 64 * HP);
  char *base = (char *)(((unsigned long)area + HP - 1) & ~(HP - 1));
  /* placement: no hint, an unaligned hint, a shared one, fixed ones */
  mmap(0, PG, RW, MAP_PRIVATE | HUGE, -1, 0);
  mmap(base + 40 * HP + 5 * PG, 3 * HP - PG, RW, MAP_SHARED | HUGE, -1, 0);
  mmap(base, HP, RW, MAP_PRIVATE | HUGE | MAP_FIXED, -1, 0);
  mmap(base + HP, HP, RW, MAP_PRIVATE | HUGE | MAP_FIXED, -1, 0);    /* no merge */
  mmap(base + 2 * HP + PG, HP, RW, MAP_PRIVATE | HUGE | MAP_FIXED, -1, 0); /* EINVAL */
  mmap(base, HP, RW, MAP_PRIVATE | HUGE | MAP_FIXED_NOREPLACE, -1, 0);    /* EEXIST */
  mmap(base + 2 * HP, 4 * HP, PROT_READ, MAP_PRIVATE | HUGE | MAP_FIXED, -1, 0);
  mmap(base + 6 * HP, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  mmap(base + 6 * HP, HP, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_FIXED, -1, 0); /* ENOMEM, cleared */
  mmap(0, HP, RW, MAP_PRIVATE | HUGE | MAP_LOCKED, -1, 0);
  mmap(0, HP, RW, MAP_PRIVATE | HUGE | MAP_GROWSDOWN, -1, 0);
  mmap(0, HP, RW, MAP_PRIVATE | HUGE, -1, 3 * PG);
  mmap(0, HP, RW, MAP_PRIVATE | HUGE, -1, HP);
  mmap(0, HP, RW, MAP_SHARED_VALIDATE | HUGE, -1, 0);
  mmap(0, HP, RW, MAP_PRIVATE | HUGE | MAP_32BIT, -1, 0);
  mmap(0, HP, PROT_READ | PROT_EXEC, MAP_PRIVATE | HUGE | MAP_POPULATE, -1, 0);
  /* splits: unaligned ones are refused */
  char *b4 = base + 2 * HP;
  munmap(b4 + PG, PG);
  munmap(b4 + 3 * HP, PG);
  munmap(b4 + 3 * HP, HP + PG);
  mprotect(b4 + HP, PG, RW);
  mprotect(b4 + HP, HP, RW);
  mprotect(b4, 2 * HP + PG, PROT_NONE);
  madvise(b4 + 2 * HP + PG, PG, MADV_DONTFORK);
  madvise(b4 + 2 * HP, HP, MADV_DONTFORK);
  madvise(b4 + PG, PG, MADV_DONTNEED);
  madvise(b4, HP, MADV_DONTNEED);
  madvise(b4, PG, MADV_DONTNEED);
  madvise(b4, HP, MADV_HUGEPAGE);
  mlock(b4, HP + PG);
  munlock(b4, PG);
  munmap(b4 + 3 * HP, HP);
  /* mremap */
  char *m = base + 10 * HP;
  mmap(m, 4 * HP, RW, MAP_PRIVATE | HUGE | MAP_FIXED, -1, 0);
  mremap(m, 4 * HP, 5 * HP, 0);
  mremap(m, 4 * HP, 5 * HP, MREMAP_MAYMOVE);
  mremap(m + PG, PG, PG, MREMAP_MAYMOVE);
  mremap(m, 4 * HP - PG, 3 * HP + PG, 0);
  mremap(m, 4 * HP, 3 * HP, 0);
  mremap(m, HP, HP, MREMAP_MAYMOVE | MREMAP_FIXED, base + 20 * HP + PG);
  mremap(m, HP, HP, MREMAP_MAYMOVE | MREMAP_FIXED, base + 20 * HP);
  mremap(m + HP, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, base + 24 * HP);
  mremap(m + 2 * HP, HP, HP, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
  mremap(base + 20 * HP, HP, HP / 2, 0);
  /* a hugetlbfs file */
  int h = memfd_create("huge", MFD_HUGETLB);
  ftruncate(h, 8 * HP);
  mmap(0, HP, RW, MAP_SHARED, h, 0);
  mmap(0, HP, RW, MAP_SHARED | MAP_NORESERVE, h, 0);
  mmap(0, HP, RW, MAP_PRIVATE | MAP_NORESERVE, h, PG);
  char *f = base + 30 * HP;
  mmap(f, HP, RW, MAP_SHARED | MAP_NORESERVE | MAP_FIXED, h, 0);
  mmap(f + HP, HP, RW, MAP_SHARED | MAP_NORESERVE | MAP_FIXED, h, HP);
  mmap(f + 2 * HP, PG, PROT_READ, MAP_PRIVATE | MAP_NORESERVE | MAP_FIXED | MAP_HUGETLB, h, 2 * HP);
  mprotect(f, 2 * HP, PROT_READ);
  munmap(f + HP, HP);
  /* 1 GiB pages (this kernel has a pool of them, empty): the size asked for decides the alignment. */
  char *g = mmap(0, PG, RW, MAP_PRIVATE | HUGE | (30 << MAP_HUGE_SHIFT), -1, 0);
  mmap(0, HP, RW, MAP_PRIVATE | HUGE | (25 << MAP_HUGE_SHIFT), -1, 0); /* no 32 MiB pool: EINVAL */
  mmap(0, GP, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (30 << MAP_HUGE_SHIFT), -1, 0); /* ENOMEM */
  munmap(g + HP, HP);
  mprotect(g, HP, PROT_READ);
  madvise(g + HP, PG, MADV_DONTNEED);
  mremap(g, GP, HP, 0);
  int gf = memfd_create("giant", MFD_HUGETLB | (30U << 26) /* MFD_HUGE_1GB */);
  ftruncate(gf, GP);
  mmap(0, HP, PROT_READ, MAP_SHARED | MAP_NORESERVE, gf, 0);
  mmap(0, HP, PROT_READ, MAP_SHARED | MAP_NORESERVE, gf, HP);
  munmap(g, GP);
  return 0;
}
