/*
 * sysvshm.c - a test program for record-real.sh: System V shared memory.
 * shmat with and without an address (SHM_RND, SHM_REMAP, overlaps, an
 * unaligned address), read-only and exec attaches, a segment the program may
 * only read (EACCES), ids that name nothing; mprotect and munmap cutting an
 * attach into fragments, and shmdt finding them (or not: an address inside,
 * a moved fragment); an attach after IPC_RMID. vmrun describes each segment
 * before a shmat (a `shm` record). Then MREMAP_FIXED moves of several VMAs at
 * once, which private /dev/zero memory may not be part of (EFAULT), while a
 * shared /dev/zero mapping (shmem) may. MIT licence, part of
 * @maple-tree/vma-mm. rec-real-sysvshm was recorded as
 *
 *   gcc -O0 -Wall -o sysvshm sysvshm.c
 *   record-real.sh sysvshm rec-real-sysvshm.jsonl.gz -- ./sysvshm
 */
#define _GNU_SOURCE
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <fcntl.h>
#include <unistd.h>
#define PG 4096L
int main(void) {
  int a = shmget(IPC_PRIVATE, 10 * PG + 100, IPC_CREAT | 0600);
  int b = shmget(0x1234abcd, 4 * PG, IPC_CREAT | 0600);
  int r = shmget(IPC_PRIVATE, 4 * PG, IPC_CREAT | 0400);
  char *p = shmat(a, 0, 0);
  char *q = shmat(a, 0, SHM_RDONLY);
  char *area = mmap(0, 64 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(area, 64 * PG);
  shmat(b, area, 0);
  shmat(b, area + 4 * PG, 0);            /* right after the same segment: no merge */
  shmat(b, area + 2 * PG, 0);            /* overlaps: EINVAL */
  shmat(b, area + 2 * PG, SHM_REMAP);    /* replaces */
  shmat(b, area + 20 * PG + 5, 0);       /* unaligned: EINVAL */
  shmat(b, area + 20 * PG + 5, SHM_RND);
  shmat(b, 0, SHM_REMAP);                /* EINVAL */
  shmat(b, 0, SHM_EXEC);
  shmat(r, 0, 0);                        /* EACCES */
  shmat(r, 0, SHM_RDONLY);
  shmat(-1, 0, 0);
  shmat(987654, 0, 0);
  mprotect(p + 2 * PG, PG, PROT_READ);
  munmap(p + 8 * PG, PG);
  mprotect(q, PG, PROT_READ | PROT_WRITE);  /* EACCES */
  shmdt(p + 1);                          /* EINVAL */
  shmdt(p + PG);                         /* EINVAL: no fragment starts there with that offset */
  shmdt(p);                              /* all fragments */
  shmdt(p);                              /* EINVAL */
  shmdt(area + 20 * PG);
  mremap(area, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, area + 40 * PG);
  shmdt(area + 40 * PG);
  shmctl(a, IPC_RMID, 0);
  char *late = shmat(a, 0, 0);           /* still attached elsewhere (q): allowed? */
  shmdt(q);
  shmdt(late);
  shmctl(b, IPC_RMID, 0);
  shmctl(r, IPC_RMID, 0);
  /* Moving several VMAs at once (MREMAP_FIXED, same size): private /dev/zero memory may not be one of them. */
  int z = open("/dev/zero", O_RDWR);
  char *m = mmap(0, 64 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(m, 64 * PG);
  mmap(m, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_FIXED, z, 0);
  mmap(m + 2 * PG, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, z, 2 * PG);
  mremap(m, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, m + 16 * PG);   /* EFAULT */
  mremap(m, 3 * PG, 3 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, m + 16 * PG);   /* EFAULT: the first, more follow */
  mremap(m + 2 * PG, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, m + 16 * PG); /* EFAULT: a gap follows */
  mremap(m + 2 * PG, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, m + 16 * PG); /* one VMA: moves */
  mmap(m + 24 * PG, 2 * PG, PROT_READ, MAP_SHARED | MAP_FIXED, z, 0);
  mmap(m + 26 * PG, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  mremap(m + 24 * PG, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, m + 40 * PG); /* shared /dev/zero is shmem: moves */
  return 0;
}
