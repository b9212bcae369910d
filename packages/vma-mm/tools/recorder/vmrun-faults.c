/*
 * vmrun-faults.c - vmrun's fault records (MIT licence, part of
 * @maple-tree/vma-mm): page faults are not system calls, but two of their
 * effects decide the layout or later merges, so vmrun looks for them before
 * each address-space call and at exit: the main stack's growth, and the
 * private VMAs that got their first anonymous pages.
 */
#include "vmrun.h"

#include <stdlib.h>
#include <string.h>

/*
 * The main stack grows by page faults, which ptrace does not see. mm->stack_vm (VmStk in /proc/PID/status)
 * is cheap to read; when it grew, the stack's new start (from /proc/PID/maps) goes into a `fault` record
 * before the next call is logged, so a replay grows the stack where the kernel did.
 */
static u64 stack_lo;
static long stack_kb;

/* A kB field of /proc/PID/status ("VmStk:", "RssAnon:"), -1 when absent. */
static long status_kb(pid_t pid, const char *field) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  FILE *f = fopen(path, "r");
  long kb = -1;
  if (!f) return kb;
  size_t n = strlen(field);
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, field, n)) {
      kb = strtol(line + n, 0, 10);
      break;
    }
  fclose(f);
  return kb;
}

static long vm_stk_kb(pid_t pid) {
  return status_kb(pid, "VmStk:");
}

/* Where the [stack] VMA starts now (0 if there is none). */
static u64 stack_start(pid_t pid) {
  char path[64], line[8192];
  snprintf(path, sizeof path, "/proc/%d/maps", pid);
  FILE *f = fopen(path, "r");
  u64 lo = 0;
  if (!f) return lo;
  while (fgets(line, sizeof line, f))
    if (strstr(line, " [stack]")) {
      lo = strtoull(line, 0, 16);
      break;
    }
  fclose(f);
  return lo;
}

static void check_stack(pid_t pid);
static void check_anon(pid_t pid, int emit);

/* The starting layout's stack and anonymous pages, which later faults are told against. */
void track_faults(pid_t pid) {
  stack_kb = vm_stk_kb(pid);
  stack_lo = stack_start(pid);
  check_anon(pid, 0);
}

/* What page faults changed since the last look: the stack's reach, and which VMAs have anonymous pages. */
void check_faults(pid_t pid) {
  check_stack(pid);
  check_anon(pid, 1);
}

static void check_stack(pid_t pid) {
  long kb = vm_stk_kb(pid);
  if (kb <= stack_kb) {
    stack_kb = kb;
    return;
  }
  stack_kb = kb;
  u64 lo = stack_start(pid);
  if (lo && lo < stack_lo)
    fprintf(out, "{\"kind\":\"fault\",\"addr\":\"0x%llx\",\"write\":true}\n", (unsigned long long)lo);
  if (lo) stack_lo = lo;
}

/*
 * Written pages are page faults too, and they give a private VMA its anon_vma, which decides whether it may
 * merge with a neighbour later. When RssAnon grew since the last look, /proc/PID/smaps tells which VMAs have
 * anonymous pages now; each that had none at the last look gets a `fault` record (a write at its start).
 * Between two logged calls the layout does not change, so a replay that takes the fault before the next
 * call sees the neighbours the kernel saw at the real fault.
 */
static struct span {
  u64 lo, hi;
} *anon_now, *anon_before;
static size_t n_anon_now, n_anon_before, cap_anon_now, cap_anon_before;
static long rss_anon_kb = -1;

static int had_anon(u64 lo, u64 hi) {
  for (size_t k = 0; k < n_anon_before; k++)
    if (anon_before[k].lo == lo && anon_before[k].hi == hi) return 1;
  return 0;
}

/* emit 0: only note what is there (the starting layout, which a replay builds with it). */
static void check_anon(pid_t pid, int emit) {
  long kb = status_kb(pid, "RssAnon:");
  if (emit && kb == rss_anon_kb) return;
  rss_anon_kb = kb;
  char path[64], line[8192];
  snprintf(path, sizeof path, "/proc/%d/smaps", pid);
  FILE *f = fopen(path, "r");
  if (!f) return;
  n_anon_now = 0;
  u64 lo = 0, hi = 0;
  int private_vma = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long long a, b;
    char perms[8];
    if (sscanf(line, "%llx-%llx %7s", &a, &b, perms) == 3 && strchr(line, '-') < strchr(line, ' ')) {
      lo = a, hi = b, private_vma = perms[3] == 'p';
    } else if (private_vma && !strncmp(line, "Anonymous:", 10) && strtol(line + 10, 0, 10) > 0) {
      if (emit && !had_anon(lo, hi))
        fprintf(out, "{\"kind\":\"fault\",\"addr\":\"0x%llx\",\"write\":true}\n", (unsigned long long)lo);
      if (n_anon_now == cap_anon_now) {
        cap_anon_now = cap_anon_now ? 2 * cap_anon_now : 64;
        anon_now = realloc(anon_now, cap_anon_now * sizeof *anon_now);
        if (!anon_now) die("out of memory");
      }
      anon_now[n_anon_now].lo = lo, anon_now[n_anon_now].hi = hi;
      n_anon_now++;
    }
  }
  fclose(f);
  struct span *t = anon_before;
  anon_before = anon_now, anon_now = t;
  size_t c = cap_anon_before;
  cap_anon_before = cap_anon_now, cap_anon_now = c;
  n_anon_before = n_anon_now;
}
