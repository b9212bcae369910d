/*
 * out.c - the recorder's output (MIT licence, part of @maple-tree/vma-mm):
 * a static buffer flushed to stdout with write(2), JSON helpers, and the
 * writers of `op` records (vmtrace/1: numbers as hex strings, prot as
 * "rwx" text, flags as lists of names).
 */
#include "vmtrace.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static char outbuf[1 << 20];
static size_t outpos;

void flush_out(void) {
  size_t done = 0;
  while (done < outpos) {
    ssize_t n = write(1, outbuf + done, outpos - done);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      _exit(3);
    }
    done += (size_t)n;
  }
  outpos = 0;
}

void outc(char c) {
  if (outpos == sizeof outbuf) flush_out();
  outbuf[outpos++] = c;
}

void outs(const char *s) {
  while (*s) outc(*s++);
}

void outhex(u64 v) {
  char tmp[20];
  int n = 0;
  outs("\"0x");
  do {
    tmp[n++] = "0123456789abcdef"[v & 15];
    v >>= 4;
  } while (v);
  while (n) outc(tmp[--n]);
  outc('"');
}

void outdec(long long v) {
  char tmp[24];
  int n = 0;
  unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
  if (v < 0) outc('-');
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  while (n) outc(tmp[--n]);
}

/* A JSON string of the bytes [s, s + n). */
void outjson(const char *s, size_t n) {
  outc('"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      outc('\\');
      outc((char)c);
    } else if (c < 0x20) {
      outs("\\u00");
      outc("0123456789abcdef"[c >> 4]);
      outc("0123456789abcdef"[c & 15]);
    } else outc((char)c);
  }
  outc('"');
}

void outkey(const char *k) {
  outs(",\"");
  outs(k);
  outs("\":");
}

void die(const char *msg) {
  flush_out();
  if (write(2, "vmtrace: ", 9) < 0 || write(2, msg, strlen(msg)) < 0 || write(2, "\n", 1) < 0) _exit(2);
  _exit(2);
}

/* ------------------------------------------------------------ op records */

long op_no;
long last_errno;

void op_begin(const char *name) {
  op_no++;
  outs("{\"kind\":\"op\",\"i\":");
  outdec(op_no);
  outs(",\"op\":\"");
  outs(name);
  outc('"');
}

void op_prot(int prot) {
  outkey("prot");
  outc('"');
  outc(prot & PROT_READ ? 'r' : '-');
  outc(prot & PROT_WRITE ? 'w' : '-');
  outc(prot & PROT_EXEC ? 'x' : '-');
  outc('"');
  if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) { /* bits the text cannot carry */
    outkey("prot_raw");
    outhex((unsigned)prot);
  }
}

static const struct {
  int bit;
  const char *name;
} map_names[] = {
    {MAP_SHARED, "SHARED"},
    {MAP_PRIVATE, "PRIVATE"},
    {VT_MAP_DROPPABLE, "DROPPABLE"},
    {MAP_FIXED, "FIXED"},
    {MAP_ANONYMOUS, "ANONYMOUS"},
    {VT_MAP_32BIT, "32BIT"},
    {VT_MAP_ABOVE4G, "ABOVE4G"},
    {MAP_GROWSDOWN, "GROWSDOWN"},
    {MAP_DENYWRITE, "DENYWRITE"},
    {MAP_EXECUTABLE, "EXECUTABLE"},
    {MAP_LOCKED, "LOCKED"},
    {MAP_NORESERVE, "NORESERVE"},
    {MAP_POPULATE, "POPULATE"},
    {MAP_NONBLOCK, "NONBLOCK"},
    {MAP_STACK, "STACK"},
    {MAP_HUGETLB, "HUGETLB"},
    {VT_MAP_SYNC, "SYNC"},
    {MAP_FIXED_NOREPLACE, "FIXED_NOREPLACE"},
    {MAP_UNINITIALIZED, "UNINITIALIZED"},
};

static const char *const mremap_names[] = {"MAYMOVE", "FIXED", "DONTUNMAP"};

/* The flags as a list of names, in bit order. */
void op_flags(int flags, int mremap) {
  outkey("flags");
  outc('[');
  int first = 1;
  size_t n = mremap ? 3 : sizeof map_names / sizeof map_names[0];
  for (size_t k = 0; k < n; k++) {
    int bit = mremap ? 1 << k : map_names[k].bit;
    if (!(flags & bit)) continue;
    if (!first) outc(',');
    first = 0;
    outc('"');
    outs(mremap ? mremap_names[k] : map_names[k].name);
    outc('"');
  }
  outc(']');
}

/* The kernel's answer: `err` when the call failed, else `ret`. */
void op_end(u64 ret) {
  if (last_errno) {
    outkey("err");
    outdec(last_errno);
  } else {
    outkey("ret");
    outhex(ret);
  }
  outs("}\n");
}
