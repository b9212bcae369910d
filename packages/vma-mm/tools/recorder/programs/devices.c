/*
 * devices.c - a test program for record-real.sh: files that are not regular
 * files. /dev/zero mapped privately (anonymous memory that still names the
 * device: merges, moves, madvise, mlock, MAP_POPULATE) and shared (shared
 * anonymous memory of its own, also through a read-only descriptor);
 * descriptors whose file has no mmap (/dev/null, a pipe, a directory: ENODEV),
 * a socket mapped over a mapping (ENODEV once the range is cleared), and an
 * fd mapped after it was closed (EBADF: vmrun writes a close record).
 * MIT licence, part of @maple-tree/vma-mm. rec-real-devices was recorded as
 *
 *   gcc -O2 -Wall -o devices devices.c
 *   record-real.sh devices rec-real-devices.jsonl.gz -- ./devices
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#define PG 4096L
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 3
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
int main(void) {
  int z = open("/dev/zero", O_RDWR), z2 = open("/dev/zero", O_RDWR), zr = open("/dev/zero", O_RDONLY);
  char *area = mmap(0, 1024 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  /* 1: a big private mapping, kernel-placed */
  mmap(0, 1024 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
  mmap(0, 1024 * PG + PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 3 * PG);
  /* 2: contiguous offsets, same fd */
  mmap(area, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, z, 0);
  mmap(area + 4 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, z, 4 * PG);
  /* 3: other open */
  mmap(area + 8 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, z2, 8 * PG);
  /* 4: next to anon with a matching pgoff */
  char *an = area + 20 * PG;
  mmap(an, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  mmap(an + 4 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, z, (long)(an + 4 * PG));
  mmap(an + 8 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  /* 5: mprotect split and merge back */
  mprotect(area + 2 * PG, 4 * PG, PROT_READ);
  mprotect(area + 2 * PG, 4 * PG, PROT_READ | PROT_WRITE);
  /* 6: mremap with and without anon pages */
  char *m1 = mmap(0, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
  char *m2 = mmap(0, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
  m2[0] = 1;
  mremap(m1, 8 * PG, 8 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, area + 40 * PG);
  mremap(m2, 8 * PG, 8 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, area + 60 * PG);
  /* 7: grow in place */
  mremap(area + 40 * PG, 8 * PG, 12 * PG, 0);
  mremap(area + 60 * PG, 8 * PG, 12 * PG, 0);
  /* 8: madvise */
  madvise(area + 40 * PG, 2 * PG, MADV_WIPEONFORK);
  madvise(area + 60 * PG, 2 * PG, MADV_DONTFORK);
  madvise(area + 62 * PG, 2 * PG, MADV_HUGEPAGE);
  /* 9: mlock */
  mlock(area + 44 * PG, 2 * PG);
  munlock(area + 44 * PG, 2 * PG);
  /* 10: populate */
  mmap(area + 80 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, z, 0);
  mmap(area + 84 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, z, 4 * PG);
  mmap(area + 88 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, z, 8 * PG);
  /* 11: shared */
  char *s1 = mmap(0, 8 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, z, 16 * PG);
  mremap(s1, 8 * PG, 16 * PG, MREMAP_MAYMOVE);
  mmap(area + 100 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, z, 0);
  mmap(area + 104 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, z, 4 * PG);
  mmap(area + 108 * PG, 4 * PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_SYNC | MAP_FIXED, z, 0);
  mmap(area + 112 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, zr, 0);
  mmap(area + 116 * PG, 4 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, zr, 0);
  mprotect(area + 116 * PG, 4 * PG, PROT_READ | PROT_WRITE);
  mmap(area + 120 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, zr, 0);
  mmap(0, 1024 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, z, 0);
  mmap(area + 130 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED | MAP_GROWSDOWN, z, 0);
  mmap(area + 134 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED | MAP_LOCKED, z, 0);
  mmap(area + 138 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED | MAP_LOCKED, z, 0);
  /* 12: a socket over an existing mapping, a pipe and a directory too */
  int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  mmap(area + 200 * PG, 4 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, sv[0], 0);
  mmap(area + 204 * PG, 4 * PG, PROT_READ, MAP_PRIVATE | MAP_FIXED, sv[0], 0);
  int pf[2]; pipe(pf);
  mmap(area + 208 * PG, 4 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, pf[0], 0);
  int d = open(".", O_RDONLY);
  mmap(area + 212 * PG, 4 * PG, PROT_READ, MAP_PRIVATE | MAP_FIXED, d, 0);
  mmap(area + 216 * PG, 4 * PG, PROT_READ, MAP_PRIVATE | MAP_FIXED, 0x7fff, 0);
  /* a descriptor mapped, closed, then mapped again */
  int f = open("devices.dat", O_CREAT | O_RDWR | O_TRUNC, 0600);
  ftruncate(f, 4 * PG);
  mmap(area + 240 * PG, 4 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, f, 0);
  close(f);
  mmap(area + 244 * PG, 4 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, f, 0);
  unlink("devices.dat");
  int nul = open("/dev/null", O_RDONLY);
  mmap(area + 220 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, nul, 0);
  mmap(area + 224 * PG, 4 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, nul, 0);
  mmap(area + 228 * PG, 4 * PG, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_GROWSDOWN, nul, 0);
  munmap(area + 2 * PG, PG);
  return 0;
}
