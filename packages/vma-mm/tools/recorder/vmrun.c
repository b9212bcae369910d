/*
 * vmrun.c - record a real program's address-space history as vmtrace/1
 * JSONL (see ../../fixtures/traces/FORMAT.md). MIT licence, part of
 * @maple-tree/vma-mm. Runs on x86_64; records x86_64 programs and ia32
 * (32-bit) ones, whose header then says "arch":"i386" and whose calls are
 * decoded by their ia32 numbers (mmap2's offset is in pages; the old
 * one-argument mmap reads its six arguments from the program's memory).
 *
 *   vmrun [-L] -o OUT.jsonl -n NAME -- PROGRAM [ARGS...]
 *
 * The program runs under ptrace with address-space randomisation off (-L:
 * legacy bottom-up layout too), with every task that shares its memory
 * (threads, CLONE_VM and vfork children until they exec; other children
 * are let go at their first stop). At its execve the tracer writes the header
 * and the starting /proc/PID/maps (at:0) - a later execve of the process
 * starts the file over, so it holds the history of the last program image
 * (`sh -c '...; exec prog'` records prog); then every memory system call of
 * every thread, with the kernel's answer (mmap, munmap, mprotect, mremap,
 * brk as ops; madvise, mlock, pkey_mprotect, shmat and friends under their
 * own names with raw args, which a replay may skip); a `fault` record where
 * the main stack grew (by page faults) since the last call; an `open` record for
 * each file descriptor a successful open/openat/openat2 returns, and again
 * before an mmap of a descriptor whose last record no longer says what it
 * names (one made by dup or memfd_create, inherited, or a file unlinked
 * since); and, when the program exits, its final /proc/PID/maps.
 *
 * Unlike the synthetic driver the program touches its memory; page faults
 * are not in the log (see FORMAT.md on real-* traces). The tracer lets one
 * address-space call run at a time (a thread entering one while another's
 * is in flight waits at its entry stop), so the log has the order in which
 * the kernel ran them even in a multi-threaded program; without that, the
 * exit stops of two threads' calls could reach the tracer in the other
 * order (a munmap that freed a hole logged after the mmap that took it).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <linux/audit.h>
#include <linux/kcmp.h>
#include <unistd.h>

typedef uint64_t u64;

static FILE *out;
static long op_no;
static pid_t leader;

static void die(const char *msg) {
  fprintf(stderr, "vmrun: %s%s%s\n", msg, errno ? ": " : "", errno ? strerror(errno) : "");
  exit(2);
}

static void json_str(const char *s) {
  fputc('"', out);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
    else if (c < 0x20) fprintf(out, "\\u%04x", c);
    else fputc(c, out);
  }
  fputc('"', out);
}

static long read_number(const char *path, long fallback) {
  FILE *f = fopen(path, "r");
  long v = fallback;
  if (f) {
    if (fscanf(f, "%ld", &v) != 1) v = fallback;
    fclose(f);
  }
  return v;
}

/* Field k (1-based, as proc(5) numbers them) of /proc/PID/stat. */
static u64 stat_field(pid_t pid, int k) {
  char path[64], buf[4096];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE *f = fopen(path, "r");
  if (!f) die("cannot open /proc/PID/stat");
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *s = strrchr(buf, ')');
  if (!s) die("unexpected /proc/PID/stat");
  s += 2;
  for (int i = 3; i < k; i++) {
    s = strchr(s, ' ');
    if (!s) die("short /proc/PID/stat");
    s++;
  }
  return strtoull(s, 0, 10);
}

static void emit_maps(pid_t pid, long at) {
  char path[64], line[8192];
  snprintf(path, sizeof path, "/proc/%d/maps", pid);
  FILE *f = fopen(path, "r");
  if (!f) die("cannot open /proc/PID/maps");
  fprintf(out, "{\"kind\":\"maps\",\"at\":%ld,\"lines\":[", at);
  int first = 1;
  while (fgets(line, sizeof line, f)) {
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == ' ')) line[--n] = 0;
    if (!first) fputc(',', out);
    first = 0;
    json_str(line);
  }
  fclose(f);
  fputs("]}\n", out);
}

/* Whether the program pid now runs is a 32-bit ELF image (its class byte). */
static int image_is_32bit(pid_t pid) {
  char path[64];
  unsigned char ident[EI_NIDENT];
  snprintf(path, sizeof path, "/proc/%d/exe", pid);
  FILE *f = fopen(path, "r");
  if (!f) die("cannot open /proc/PID/exe");
  size_t n = fread(ident, 1, sizeof ident, f);
  fclose(f);
  if (n != sizeof ident || memcmp(ident, ELFMAG, SELFMAG) != 0) die("the program is not an ELF image");
  return ident[EI_CLASS] == ELFCLASS32;
}

static void emit_header(pid_t pid, const char *name, int legacy, int is32) {
  struct utsname u;
  struct rlimit rl;
  if (uname(&u) != 0 || getrlimit(RLIMIT_STACK, &rl) != 0) die("uname/getrlimit failed");
  char thp[64] = "unknown";
  FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
  if (f) {
    char buf[256];
    if (fgets(buf, sizeof buf, f)) {
      char *a = strchr(buf, '['), *b = a ? strchr(a, ']') : 0;
      if (a && b && b - a - 1 < (long)sizeof thp) {
        memcpy(thp, a + 1, (size_t)(b - a - 1));
        thp[b - a - 1] = 0;
      }
    }
    fclose(f);
  }
  u64 start_brk = stat_field(pid, 47);
  fprintf(out, "{\"kind\":\"header\",\"format\":\"vmtrace/1\",\"arch\":\"%s\",\"page_size\":4096,\"program\":",
          is32 ? "i386" : "x86_64");
  json_str(name);
  fprintf(out, ",\"kernel\":");
  json_str(u.release);
  fprintf(out, ",\"thp\":");
  json_str(thp);
  fprintf(out, ",\"max_map_count\":%ld,\"mmap_min_addr\":%ld", read_number("/proc/sys/vm/max_map_count", 65530),
          read_number("/proc/sys/vm/mmap_min_addr", 4096));
  const char *lsm = getenv("VMRUN_LSM_MIN_ADDR");
  if (lsm && *lsm) fprintf(out, ",\"lsm_mmap_min_addr\":%ld", strtol(lsm, 0, 10));
  if (rl.rlim_cur != RLIM_INFINITY) fprintf(out, ",\"stack_rlimit\":%llu", (unsigned long long)rl.rlim_cur);
  /* The tracer's own limits are the program's: it inherits them through fork and exec. */
  struct rlimit ml;
  if (getrlimit(RLIMIT_MEMLOCK, &ml) == 0 && ml.rlim_cur != RLIM_INFINITY)
    fprintf(out, ",\"memlock_rlimit\":%llu", (unsigned long long)ml.rlim_cur);
  fprintf(out, ",\"aslr\":false,\"layout\":\"%s\",\"uid\":%d", legacy ? "legacy" : "topdown", (int)getuid());
  fprintf(out, ",\"start_brk\":\"0x%llx\",\"brk_start\":\"0x%llx\",\"start_stack\":\"0x%llx\"",
          (unsigned long long)start_brk, (unsigned long long)start_brk,
          (unsigned long long)stat_field(pid, 28));
  fprintf(out, ",\"recorder\":\"maple-tree tools/recorder/vmrun.c\"}\n");
}

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
static void track_faults(pid_t pid) {
  stack_kb = vm_stk_kb(pid);
  stack_lo = stack_start(pid);
  check_anon(pid, 0);
}

/* What page faults changed since the last look: the stack's reach, and which VMAs have anonymous pages. */
static void check_faults(pid_t pid) {
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

/* What each descriptor was last logged as (by fd number), so that a record is written again only when it changed. */
struct described {
  int known;
  dev_t dev;
  ino_t ino;
  int mode;
  char *path;
};
static struct described *described;
static long n_described;

/* The access mode a descriptor was opened with (O_RDONLY, O_WRONLY or O_RDWR), from /proc/PID/fdinfo. */
static int access_mode(pid_t pid, long fd) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/fdinfo/%ld", pid, fd);
  FILE *f = fopen(path, "r");
  int mode = O_RDWR;
  if (!f) return mode;
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, "flags:", 6)) {
      mode = (int)(strtol(line + 6, 0, 8) & O_ACCMODE);
      break;
    }
  fclose(f);
  return mode;
}

/*
 * An `open` record for descriptor fd of pid (what it names now): its path, device and inode, size, access mode
 * ("mode": r, w or rw) and, for tmpfs and hugetlbfs, the file system ("fs"). With only_if_changed, nothing is
 * written when the last record for fd already says all that (the check before an mmap of fd, which also
 * describes descriptors no open call made: dup, memfd_create, inherited ones).
 */
/*
 * The names under which mapped files were opened, to notice when one goes away: the kernel then prints it
 * with " (deleted)" in the maps of every mapping of that file, so an `unlink` record says so.
 */
static struct name {
  dev_t dev;
  ino_t ino;
  char *path;
} *names;
static size_t n_names, cap_names;

static int already_deleted(const char *path) {
  size_t n = strlen(path), k = strlen(" (deleted)");
  return n >= k && !strcmp(path + n - k, " (deleted)");
}

static void remember_name(dev_t dev, ino_t ino, const char *path) {
  if (path[0] != '/' || already_deleted(path)) return; /* anon_inode:..., memfd and O_TMPFILE files have none */
  for (size_t k = 0; k < n_names; k++)
    if (names[k].dev == dev && names[k].ino == ino && !strcmp(names[k].path, path)) return;
  if (n_names == cap_names) {
    cap_names = cap_names ? 2 * cap_names : 16;
    names = realloc(names, cap_names * sizeof *names);
    if (!names) die("out of memory");
  }
  names[n_names].dev = dev, names[n_names].ino = ino;
  names[n_names].path = strdup(path);
  if (!names[n_names++].path) die("out of memory");
}

static void emit_dev_inode(dev_t dev, ino_t ino) {
  fprintf(out, ",\"dev\":\"%02x:%02x\",\"inode\":%llu", major(dev), minor(dev), (unsigned long long)ino);
}

/*
 * After an unlink: an `unlink` record for each remembered name that no longer leads to its file, and the
 * descriptors described under it now read as the kernel shows them (name + " (deleted)"), so that no new
 * `open` record follows for them. A mapped file renamed away is not followed (its name just vanishes).
 */
static void check_names(void) {
  for (size_t k = 0; k < n_names;) {
    struct name *m = &names[k];
    struct stat st;
    if (stat(m->path, &st) == 0 && st.st_dev == m->dev && st.st_ino == m->ino) {
      k++;
      continue;
    }
    fputs("{\"kind\":\"unlink\",\"path\":", out);
    json_str(m->path);
    emit_dev_inode(m->dev, m->ino);
    fputs("}\n", out);
    for (long fd = 0; fd < n_described; fd++) {
      struct described *d = &described[fd];
      if (!d->known || d->dev != m->dev || d->ino != m->ino || strcmp(d->path, m->path)) continue;
      size_t len = strlen(m->path) + sizeof " (deleted)";
      char *gone = malloc(len);
      if (!gone) die("out of memory");
      snprintf(gone, len, "%s (deleted)", m->path);
      free(d->path);
      d->path = gone;
    }
    free(m->path);
    *m = names[--n_names];
  }
}

/* A described descriptor other than fd that shares fd's open file (kcmp KCMP_FILE), or -1. */
static long same_open_file(pid_t pid, long fd, dev_t dev, ino_t ino) {
  for (long k = 0; k < n_described; k++) {
    if (k == fd || !described[k].known || described[k].dev != dev || described[k].ino != ino) continue;
    if (syscall(SYS_kcmp, pid, pid, KCMP_FILE, fd, k) == 0) return k;
  }
  return -1;
}

static void emit_open(pid_t pid, long fd, int only_if_changed) {
  char link[64], target[4096];
  snprintf(link, sizeof link, "/proc/%d/fd/%ld", pid, fd);
  ssize_t n = readlink(link, target, sizeof target - 1);
  struct stat st;
  struct statfs sf;
  if (n < 0 || stat(link, &st) != 0) return; /* already closed by another thread */
  target[n] = 0;
  int mode = access_mode(pid, fd);
  if (fd >= n_described) {
    long grow = fd + 64;
    described = realloc(described, (size_t)grow * sizeof *described);
    if (!described) die("out of memory");
    memset(described + n_described, 0, (size_t)(grow - n_described) * sizeof *described);
    n_described = grow;
  }
  struct described *d = &described[fd];
  if (only_if_changed) remember_name(st.st_dev, st.st_ino, target);
  if (only_if_changed && d->known && d->dev == st.st_dev && d->ino == st.st_ino && d->mode == mode &&
      !strcmp(d->path, target))
    return;
  long twin = only_if_changed ? same_open_file(pid, fd, st.st_dev, st.st_ino) : -1;
  free(d->path);
  d->path = strdup(target);
  if (!d->path) die("out of memory");
  d->known = 1, d->dev = st.st_dev, d->ino = st.st_ino, d->mode = mode;
  fprintf(out, "{\"kind\":\"open\",\"fd\":%ld,\"path\":", fd);
  json_str(target);
  emit_dev_inode(st.st_dev, st.st_ino);
  fprintf(out, ",\"size\":\"0x%llx\",\"mode\":\"%s\"", (unsigned long long)st.st_size,
          mode == O_RDONLY ? "r" : mode == O_WRONLY ? "w" : "rw");
  if (twin >= 0) fprintf(out, ",\"same_as\":%ld", twin);
  if (statfs(link, &sf) == 0 && (sf.f_type == TMPFS_MAGIC || sf.f_type == HUGETLBFS_MAGIC))
    fprintf(out, ",\"fs\":\"%s\"", sf.f_type == TMPFS_MAGIC ? "tmpfs" : "hugetlbfs");
  fputs("}\n", out);
}

static void prot_text(u64 p) {
  fprintf(out, ",\"prot\":\"%c%c%c\"", p & 1 ? 'r' : '-', p & 2 ? 'w' : '-', p & 4 ? 'x' : '-');
}

static const struct {
  u64 bit;
  const char *name;
} map_names[] = {
    {0x01, "SHARED"},     {0x02, "PRIVATE"},   {0x08, "DROPPABLE"},  {0x10, "FIXED"},
    {0x20, "ANONYMOUS"},  {0x40, "32BIT"},     {0x80, "ABOVE4G"},    {0x100, "GROWSDOWN"},
    {0x800, "DENYWRITE"}, {0x1000, "EXECUTABLE"}, {0x2000, "LOCKED"}, {0x4000, "NORESERVE"},
    {0x8000, "POPULATE"}, {0x10000, "NONBLOCK"}, {0x20000, "STACK"},  {0x40000, "HUGETLB"},
    {0x80000, "SYNC"},    {0x100000, "FIXED_NOREPLACE"}, {0x4000000, "UNINITIALIZED"},
};

/* The flags as names; 0 when a bit has no name (the call is then logged raw). */
static int flags_known(u64 flags, int mremap) {
  u64 known = 0;
  if (mremap) known = 7;
  else
    for (size_t k = 0; k < sizeof map_names / sizeof map_names[0]; k++) known |= map_names[k].bit;
  return (flags & ~known) == 0;
}

static void flags_text(u64 flags, int mremap) {
  static const char *const mr[] = {"MAYMOVE", "FIXED", "DONTUNMAP"};
  fputs(",\"flags\":[", out);
  int first = 1;
  size_t n = mremap ? 3 : sizeof map_names / sizeof map_names[0];
  for (size_t k = 0; k < n; k++) {
    u64 bit = mremap ? 1ULL << k : map_names[k].bit;
    if (!(flags & bit)) continue;
    fprintf(out, "%s\"%s\"", first ? "" : ",", mremap ? mr[k] : map_names[k].name);
    first = 0;
  }
  fputc(']', out);
}

static void answer(long long rval, int is_error) {
  if (is_error) fprintf(out, ",\"err\":%lld}\n", -rval);
  else fprintf(out, ",\"ret\":\"0x%llx\"}\n", (unsigned long long)rval);
}

/* What a system call is to the recorder, whichever ABI made it. */
enum call { C_NONE, C_MMAP, C_MMAP2, C_OLD_MMAP, C_MUNMAP, C_MPROTECT, C_MREMAP, C_BRK, C_OPEN, C_UNLINK, C_OTHER };

/* The native x86_64 numbers, from the tracer's own headers. */
static enum call call_x86_64(long nr, const char **other) {
  switch (nr) {
  case SYS_mmap: return C_MMAP;
  case SYS_munmap: return C_MUNMAP;
  case SYS_mprotect: return C_MPROTECT;
  case SYS_mremap: return C_MREMAP;
  case SYS_brk: return C_BRK;
  case SYS_open: case SYS_openat: case SYS_openat2: case SYS_creat: return C_OPEN;
  case SYS_unlink: case SYS_unlinkat: return C_UNLINK;
  case SYS_madvise: *other = "madvise"; return C_OTHER;
  case SYS_mlock: *other = "mlock"; return C_OTHER;
  case SYS_mlock2: *other = "mlock2"; return C_OTHER;
  case SYS_munlock: *other = "munlock"; return C_OTHER;
  case SYS_mlockall: *other = "mlockall"; return C_OTHER;
  case SYS_munlockall: *other = "munlockall"; return C_OTHER;
  case SYS_pkey_mprotect: *other = "pkey_mprotect"; return C_OTHER;
  case SYS_shmat: *other = "shmat"; return C_OTHER;
  case SYS_shmdt: *other = "shmdt"; return C_OTHER;
  case SYS_remap_file_pages: *other = "remap_file_pages"; return C_OTHER;
  case SYS_process_madvise: *other = "process_madvise"; return C_OTHER;
  case 462: *other = "mseal"; return C_OTHER;
  default: return C_NONE;
  }
}

/* The ia32 numbers (arch/x86/entry/syscalls/syscall_32.tbl); the tracer is 64-bit, so they are spelt out. */
static enum call call_i386(long nr, const char **other) {
  switch (nr) {
  case 90: return C_OLD_MMAP;
  case 192: return C_MMAP2;
  case 91: return C_MUNMAP;
  case 125: return C_MPROTECT;
  case 163: return C_MREMAP;
  case 45: return C_BRK;
  case 5: case 8: case 295: case 437: return C_OPEN; /* open, creat, openat, openat2 */
  case 10: case 301: return C_UNLINK;                 /* unlink, unlinkat */
  case 219: *other = "madvise"; return C_OTHER;
  case 150: *other = "mlock"; return C_OTHER;
  case 376: *other = "mlock2"; return C_OTHER;
  case 151: *other = "munlock"; return C_OTHER;
  case 152: *other = "mlockall"; return C_OTHER;
  case 153: *other = "munlockall"; return C_OTHER;
  case 380: *other = "pkey_mprotect"; return C_OTHER;
  case 117: *other = "ipc"; return C_OTHER; /* shmat and shmdt through the multiplexer */
  case 397: *other = "shmat"; return C_OTHER;
  case 398: *other = "shmdt"; return C_OTHER;
  case 257: *other = "remap_file_pages"; return C_OTHER;
  case 440: *other = "process_madvise"; return C_OTHER;
  case 462: *other = "mseal"; return C_OTHER;
  default: return C_NONE;
  }
}

/* The old ia32 mmap passes one pointer to six 32-bit words: addr, len, prot, flags, fd, offset. */
static int read_old_mmap_args(pid_t tid, u64 ptr, u64 a[6]) {
  uint32_t w[6];
  for (size_t k = 0; k < sizeof w; k += sizeof(long)) {
    errno = 0;
    long v = ptrace(PTRACE_PEEKDATA, tid, (void *)(uintptr_t)(ptr + k), 0);
    if (errno) return 0;
    memcpy((char *)w + k, &v, sizeof w - k < sizeof v ? sizeof w - k : sizeof v);
  }
  for (int k = 0; k < 6; k++) a[k] = w[k];
  return 1;
}

static void log_call(pid_t tid, struct __ptrace_syscall_info *in, struct __ptrace_syscall_info *ex) {
  long nr = (long)in->entry.nr;
  int ia32 = in->arch == AUDIT_ARCH_I386;
  u64 a[6];
  memcpy(a, in->entry.args, sizeof a);
  long long rv = ex->exit.rval;
  int err = ex->exit.is_error;
  const char *other = 0;
  enum call c = ia32 ? call_i386(nr, &other) : call_x86_64(nr, &other);
  if (c == C_OPEN && !err) {
    emit_open(tid, (long)rv, 0);
    return;
  }
  if (c == C_UNLINK) {
    if (!err) check_names();
    return;
  }
  /* An old mmap whose argument block cannot be read failed with EFAULT before it changed anything. */
  if (c == C_OLD_MMAP && !read_old_mmap_args(tid, in->entry.args[0], a)) c = C_OTHER, other = "old_mmap";
  if (c == C_MMAP2) a[5] *= 4096, c = C_MMAP;
  if (c == C_OLD_MMAP) c = C_MMAP;
  if (c == C_MMAP && !flags_known(a[3], 0)) c = C_OTHER, other = "mmap_raw";
  if (c == C_MREMAP && !flags_known(a[3], 1)) c = C_OTHER, other = "mremap_raw";
  /* A file mapping's descriptor is described first if no record says what it names now. */
  if (c == C_MMAP && !(a[3] & 0x20) && (int)a[4] >= 0) emit_open(tid, (int)a[4], 1);
  if (c == C_OTHER) {
    fprintf(out, "{\"kind\":\"op\",\"i\":%ld,\"op\":\"%s\",\"args\":[", ++op_no, other);
    for (int k = 0; k < 6; k++) fprintf(out, "%s\"0x%llx\"", k ? "," : "", (unsigned long long)a[k]);
    fputc(']', out);
    answer(rv, err);
    return;
  }
  switch (c) {
  case C_MMAP:
    fprintf(out, "{\"kind\":\"op\",\"i\":%ld,\"op\":\"mmap\",\"addr\":\"0x%llx\",\"len\":\"0x%llx\"", ++op_no,
            (unsigned long long)a[0], (unsigned long long)a[1]);
    prot_text(a[2]);
    flags_text(a[3], 0);
    fprintf(out, ",\"fd\":%d,\"off\":\"0x%llx\"", (int)a[4], (unsigned long long)a[5]);
    break;
  case C_MUNMAP:
    fprintf(out, "{\"kind\":\"op\",\"i\":%ld,\"op\":\"munmap\",\"addr\":\"0x%llx\",\"len\":\"0x%llx\"", ++op_no,
            (unsigned long long)a[0], (unsigned long long)a[1]);
    break;
  case C_MPROTECT:
    fprintf(out, "{\"kind\":\"op\",\"i\":%ld,\"op\":\"mprotect\",\"addr\":\"0x%llx\",\"len\":\"0x%llx\"", ++op_no,
            (unsigned long long)a[0], (unsigned long long)a[1]);
    prot_text(a[2]);
    break;
  case C_MREMAP:
    fprintf(out, "{\"kind\":\"op\",\"i\":%ld,\"op\":\"mremap\",\"addr\":\"0x%llx\",\"old_len\":\"0x%llx\",\"new_len\":\"0x%llx\"",
            ++op_no, (unsigned long long)a[0], (unsigned long long)a[1], (unsigned long long)a[2]);
    flags_text(a[3], 1);
    fprintf(out, ",\"new_addr\":\"0x%llx\"", (unsigned long long)a[4]);
    break;
  case C_BRK:
    fprintf(out, "{\"kind\":\"op\",\"i\":%ld,\"op\":\"brk\",\"addr\":\"0x%llx\"", ++op_no, (unsigned long long)a[0]);
    break;
  default:
    return;
  }
  answer(rv, err);
}

/*
 * A later exec (a shell's `exec prog`, a launcher) replaced the address space: what was logged belongs to the
 * old one, so the file starts over and ends up holding the history of the last program the process ran.
 * Descriptors survive the exec but are described again when next mapped.
 */
static void restart_history(void) {
  fflush(out);
  if (ftruncate(fileno(out), 0) != 0) die("cannot truncate the output file");
  rewind(out);
  op_no = 0;
  for (long fd = 0; fd < n_described; fd++) {
    free(described[fd].path);
    described[fd].path = 0;
    described[fd].known = 0;
  }
  for (size_t k = 0; k < n_names; k++) free(names[k].path);
  n_names = 0;
}

#define MAX_TIDS 256
static struct {
  pid_t tid;
  int have_entry;
  int held; /* stopped at the entry of an address-space call until the one in flight returns */
  struct __ptrace_syscall_info entry;
} tids[MAX_TIDS];

static int known(pid_t tid) {
  for (int k = 0; k < MAX_TIDS; k++)
    if (tids[k].tid == tid) return 1;
  return 0;
}

static int slot(pid_t tid) {
  for (int k = 0; k < MAX_TIDS; k++)
    if (tids[k].tid == tid) return k;
  for (int k = 0; k < MAX_TIDS; k++)
    if (!tids[k].tid) {
      tids[k].tid = tid;
      tids[k].have_entry = 0;
      tids[k].held = 0;
      return k;
    }
  die("too many threads");
  return -1;
}

/*
 * One address-space call at a time. Two threads' calls would otherwise reach the tracer in the order of their
 * exit stops, which need not be the order in which the kernel ran them (a munmap that freed a hole could be
 * logged after the mmap that filled it). So a thread stopped at the entry of such a call while another one is
 * in flight is held there, and released when that one returns; the log then has the kernel's own order.
 */
static pid_t in_flight;

static int orders(const struct __ptrace_syscall_info *in) {
  const char *other = 0;
  enum call c = in->arch == AUDIT_ARCH_I386 ? call_i386((long)in->entry.nr, &other)
                                             : call_x86_64((long)in->entry.nr, &other);
  return c != C_NONE && c != C_OPEN && c != C_UNLINK;
}

/* The call in flight is over (returned, or its thread is exiting): let the next held thread in. */
static void release_next(void) {
  in_flight = 0;
  for (int k = 0; k < MAX_TIDS; k++)
    if (tids[k].tid && tids[k].held) {
      tids[k].held = 0;
      in_flight = tids[k].tid;
      if (ptrace(PTRACE_SYSCALL, tids[k].tid, 0, 0) != 0) die("PTRACE_SYSCALL failed");
      return;
    }
}

/* A thread is exiting: it holds nothing and waits for nothing any more. */
static void forget_thread(pid_t tid) {
  int s = slot(tid);
  tids[s].held = 0;
  tids[s].have_entry = 0;
  if (in_flight == tid) release_next();
}

int main(int argc, char **argv) {
  const char *outpath = 0, *name = 0;
  int legacy = 0, k = 1;
  for (; k < argc; k++) {
    if (!strcmp(argv[k], "-o") && k + 1 < argc) outpath = argv[++k];
    else if (!strcmp(argv[k], "-n") && k + 1 < argc) name = argv[++k];
    else if (!strcmp(argv[k], "-L")) legacy = 1;
    else if (!strcmp(argv[k], "--")) {
      k++;
      break;
    } else break;
  }
  if (!outpath || !name || k >= argc) {
    fprintf(stderr, "usage: vmrun [-L] -o OUT.jsonl -n NAME -- PROGRAM [ARGS...]\n");
    return 2;
  }
  out = fopen(outpath, "we"); /* close-on-exec: the program does not inherit it */
  if (!out) die("cannot create the output file");

  pid_t pid = fork();
  if (pid < 0) die("fork failed");
  if (pid == 0) {
    if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0) die("PTRACE_TRACEME failed");
    if (personality(ADDR_NO_RANDOMIZE | (legacy ? ADDR_COMPAT_LAYOUT : 0)) < 0) die("personality failed");
    raise(SIGSTOP);
    execvp(argv[k], argv + k);
    die("exec failed");
  }
  leader = pid;
  int status;
  if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) die("child did not stop");
  long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_TRACECLONE |
              PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_EXITKILL;
  if (ptrace(PTRACE_SETOPTIONS, pid, 0, opts) != 0) die("PTRACE_SETOPTIONS failed");
  int started = 0, code = 0;
  if (ptrace(PTRACE_SYSCALL, pid, 0, 0) != 0) die("PTRACE_SYSCALL failed");
  for (;;) {
    pid_t tid = waitpid(-1, &status, __WALL);
    if (tid < 0) {
      if (errno == EINTR) continue;
      if (errno == ECHILD) break;
      die("waitpid failed");
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      if (tid == leader) code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      forget_thread(tid);
      tids[slot(tid)].tid = 0;
      continue;
    }
    if (tid != leader && !known(tid) && syscall(SYS_kcmp, leader, tid, KCMP_VM, 0, 0) != 0) {
      /* A new child with an address space of its own (fork, or a vfork child that already ran another
         program): not part of the history. Threads and CLONE_VM children share it and stay traced. */
      ptrace(PTRACE_DETACH, tid, 0, 0);
      continue;
    }
    int sig = 0;
    int event = status >> 16;
    if (event == PTRACE_EVENT_EXEC) {
      if (started && tid != leader) {
        /* A process that shared this memory (clone with CLONE_VM, not a thread) ran another program: it has
           an address space of its own now, which is not the one recorded. */
        forget_thread(tid);
        tids[slot(tid)].tid = 0;
        ptrace(PTRACE_DETACH, tid, 0, 0);
        continue;
      }
      /* A new program image, so a new address space: the history starts (again) here. */
      if (started) restart_history();
      emit_header(tid, name, legacy, image_is_32bit(tid));
      emit_maps(tid, 0);
      track_faults(tid);
      started = 1;
      tids[slot(tid)].have_entry = 0;
    } else if (event == PTRACE_EVENT_EXIT) {
      forget_thread(tid);
      if (tid == leader && started) {
        check_faults(tid);
        emit_maps(tid, op_no);
      }
    } else if (event == PTRACE_EVENT_CLONE) {
      /* The new thread is traced from its first instruction; nothing to do here. */
    } else if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
      struct __ptrace_syscall_info info;
      long n = ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info);
      if (n <= 0) die("PTRACE_GET_SYSCALL_INFO failed");
      int s = slot(tid);
      if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
        tids[s].entry = info;
        tids[s].have_entry = 1;
        if (started && orders(&info)) {
          if (!in_flight) check_faults(tid);
          if (in_flight && in_flight != tid) {
            tids[s].held = 1;
            continue; /* stays stopped; release_next resumes it */
          }
          in_flight = tid;
        }
      } else if (info.op == PTRACE_SYSCALL_INFO_EXIT && tids[s].have_entry) {
        if (started) log_call(tid, &tids[s].entry, &info);
        tids[s].have_entry = 0;
        if (in_flight == tid) release_next();
      }
    } else if (WSTOPSIG(status) != SIGTRAP && WSTOPSIG(status) != SIGSTOP) {
      sig = WSTOPSIG(status); /* deliver the program's own signals */
    }
    ptrace(PTRACE_SYSCALL, tid, 0, sig);
  }
  if (!started) die("the program never started");
  fclose(out);
  return code;
}
