/*
 * procfs.c - what the recorder reads from /proc and /sys (MIT licence, part
 * of @maple-tree/vma-mm): small files, /proc/self/stat fields,
 * /proc/self/maps snapshots (static buffer, trailing padding trimmed), and
 * the protected start layout: every mapping present before the first call
 * (binary, libc, ld.so, vdso, vsyscall) and the stack with room to grow.
 * The driver never issues a call that could change a protected range.
 */
#include "vmtrace.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

char smallbuf[4096];

/* Read a small file into smallbuf (NUL-terminated); returns its length or -1. */
long read_small(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  long n = 0;
  for (;;) {
    ssize_t r = read(fd, smallbuf + n, sizeof smallbuf - 1 - (size_t)n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n += r;
  }
  close(fd);
  smallbuf[n] = 0;
  return n;
}

u64 parse_dec(const char *s) {
  u64 v = 0;
  while (*s == ' ') s++;
  while (*s >= '0' && *s <= '9') v = v * 10 + (u64)(*s++ - '0');
  return v;
}

static u64 parse_hex(const char **p) {
  u64 v = 0;
  const char *s = *p;
  for (;; s++) {
    char c = *s;
    if (c >= '0' && c <= '9') v = v * 16 + (u64)(c - '0');
    else if (c >= 'a' && c <= 'f') v = v * 16 + (u64)(c - 'a' + 10);
    else break;
  }
  *p = s;
  return v;
}

/* Field k (1-based, as proc(5) numbers them) of /proc/self/stat. */
u64 stat_field(int k) {
  if (read_small("/proc/self/stat") < 0) die("cannot read /proc/self/stat");
  char *s = strrchr(smallbuf, ')');
  if (!s || s[1] != ' ') die("unexpected /proc/self/stat");
  s += 2; /* field 3 */
  for (int f = 3; f < k; f++) {
    while (*s && *s != ' ') s++;
    if (!*s) die("short /proc/self/stat");
    s++;
  }
  return parse_dec(s);
}

/* ------------------------------------------------------------- the maps */

static char mapsbuf[16 << 20];
static size_t mapslen;

static void read_maps(void) {
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) die("cannot open /proc/self/maps");
  mapslen = 0;
  for (;;) {
    if (mapslen == sizeof mapsbuf) die("maps larger than the buffer");
    ssize_t r = read(fd, mapsbuf + mapslen, sizeof mapsbuf - mapslen);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) die("cannot read /proc/self/maps");
    if (r == 0) break;
    mapslen += (size_t)r;
  }
  close(fd);
}

/* A `maps` record: /proc/self/maps now, after op `at`. */
void emit_maps(long at) {
  read_maps();
  outs("{\"kind\":\"maps\",\"at\":");
  outdec(at);
  outs(",\"lines\":[");
  size_t i = 0;
  int first = 1;
  while (i < mapslen) {
    size_t j = i;
    while (j < mapslen && mapsbuf[j] != '\n') j++;
    size_t end = j;
    while (end > i && mapsbuf[end - 1] == ' ') end--;
    if (!first) outc(',');
    first = 0;
    outjson(mapsbuf + i, end - i);
    i = j + 1;
  }
  outs("]}\n");
}

/* ------------------------------------------------- the protected layout */

#define MAX_PROT 256
static u64 prot_lo[MAX_PROT], prot_hi[MAX_PROT];
static int nprot;

/* Protect every mapping present now; the stack also keeps `stack_room` below it. */
void protect_start_layout(u64 stack_room) {
  read_maps();
  size_t i = 0;
  while (i < mapslen) {
    const char *p = mapsbuf + i;
    u64 lo = parse_hex(&p);
    if (*p != '-') die("unexpected /proc/self/maps line");
    p++;
    u64 hi = parse_hex(&p);
    size_t j = i;
    while (j < mapslen && mapsbuf[j] != '\n') j++;
    if (nprot == MAX_PROT) die("too many mappings at start");
    if (j - i > 7 && memcmp(mapsbuf + j - 7, "[stack]", 7) == 0) lo = lo > stack_room ? lo - stack_room : 0;
    prot_lo[nprot] = lo;
    prot_hi[nprot] = hi;
    nprot++;
    i = j + 1;
  }
}

/* Protect [lo, hi) from the random calls too (the limit profile's filled area). */
void protect_range(u64 lo, u64 hi) {
  if (nprot == MAX_PROT) die("too many protected ranges");
  prot_lo[nprot] = lo;
  prot_hi[nprot] = hi;
  nprot++;
}

/* [s, e) may be changed: inside the user address space and clear of every protected range. */
int safe(u64 s, u64 e) {
  if (e <= s || e > W.task_size) return 0;
  /* The seal profile's hugetlb VMAs are unmapped, moved and shrunk in whole 2 MiB pages (a range that only
     straddles one reaches that far), so there every range keeps 2 MiB clear of the driver's memory. */
  if (W.profile == PROF_SEAL) {
    s &= ~(2 * MIB - 1);
    e = e > W.task_size - 2 * MIB ? W.task_size : (e + 2 * MIB - 1) & ~(2 * MIB - 1);
  }
  for (int k = 0; k < nprot; k++)
    if (s < prot_hi[k] && prot_lo[k] < e) return 0;
  return 1;
}
