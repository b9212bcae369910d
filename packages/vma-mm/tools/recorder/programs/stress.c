/*
 * stress.c - a test program for record-real.sh: three threads allocating
 * under one lock (glibc arenas: 1 MiB-aligned heaps trimmed with munmap),
 * realloc of large blocks (mremap), calls that fail on purpose, then
 * PROT_NONE reservations until the address space is full (64 MiB ones
 * in a 32-bit build, 1 TiB ones in a 64-bit one) and smaller ones after.
 * MIT licence, part of @maple-tree/vma-mm. Built as
 *
 *   gcc [-m32] -O2 -pthread -o stress stress.c
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static void *work(void *arg) {
  long id = (long)arg;
  void *keep[64] = {0};
  for (int r = 0; r < 400; r++) {
    pthread_mutex_lock(&mu);
    int k = (r * 7 + id) % 64;
    free(keep[k]);
    size_t sz = (size_t)((r * 2654435761u + id) % (r % 5 == 0 ? 600000 : 5000)) + 16;
    keep[k] = malloc(sz);
    memset(keep[k], 1, sz < 4096 ? sz : 4096);
    if (r % 50 == 0) { keep[k] = realloc(keep[k], sz * 3 + 200000); memset(keep[k], 2, 4096); }
    pthread_mutex_unlock(&mu);
  }
  pthread_mutex_lock(&mu);
  for (int k = 0; k < 64; k++) free(keep[k]);
  pthread_mutex_unlock(&mu);
  return 0;
}
int main(void) {
  pthread_t t[3];
  for (long i = 0; i < 3; i++) pthread_create(&t[i], 0, work, (void *)i);
  for (int i = 0; i < 3; i++) pthread_join(t[i], 0);
  /* errors on purpose */
  mmap(0, (size_t)-4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap((void *)0x1001, 4096);
  mprotect((void *)0x10000, 4096, PROT_READ);
  /* mremap growth */
  char *p = mmap(0, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  for (int i = 2; i < 40; i++) { p = mremap(p, (size_t)(i - 1) << 20, (size_t)i << 20, MREMAP_MAYMOVE); p[0] = 1; }
  /* fill the address space with reservations until the kernel refuses */
  size_t chunk = sizeof(void *) == 4 ? (size_t)64 << 20 : (size_t)1 << 40;
  void *res[4096]; int n = 0;
  while (n < 4096) { void *q = mmap(0, chunk, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0); if (q == MAP_FAILED) break; res[n++] = q; }
  /* smaller ones into what is left */
  void *sm[256]; int m = 0;
  while (m < 256) { void *q = mmap(0, chunk / 64, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0); if (q == MAP_FAILED) break; sm[m++] = q; }
  char *h = malloc(100000); /* malloc falls back to mmap or fails */
  for (int i = 0; i < n; i += 2) munmap(res[i], chunk);
  for (int i = 0; i < m; i += 3) munmap(sm[i], chunk / 64);
  free(h);
  printf("%d %d %p\n", n, m, (void *)p);
  return 0;
}
