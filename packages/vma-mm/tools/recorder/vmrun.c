/*
 * vmrun.c - record a real program's address-space history as vmtrace/1
 * JSONL (see ../../fixtures/traces/FORMAT.md). MIT licence, part of
 * @maple-tree/vma-mm. x86_64 programs only.
 *
 *   vmrun [-L] -o OUT.jsonl -n NAME -- PROGRAM [ARGS...]
 *
 * The program runs under ptrace with address-space randomisation off (-L:
 * legacy bottom-up layout too). At its execve the tracer writes the header
 * and the starting /proc/PID/maps (at:0); then every memory system call of
 * every thread, with the kernel's answer (mmap, munmap, mprotect, mremap,
 * brk as ops; madvise, mlock, pkey_mprotect, shmat and friends under their
 * own names with raw args, which a replay may skip); an `open` record for
 * each file descriptor a successful open/openat/openat2 returns; and, when
 * the program exits, its final /proc/PID/maps.
 *
 * Unlike the synthetic driver the program touches its memory; page faults
 * are not in the log (see FORMAT.md on real-* traces). Calls are logged in
 * the order their syscall-exit stops reach the tracer: when two threads map
 * at the same moment, that order may differ from the order in which the
 * kernel took mmap_lock (two identical mmaps then appear with their answers
 * swapped), so multi-threaded recordings are best checked before use.
 */
#define _GNU_SOURCE
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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
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

static void emit_header(pid_t pid, const char *name, int legacy) {
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
  fprintf(out, "{\"kind\":\"header\",\"format\":\"vmtrace/1\",\"arch\":\"x86_64\",\"page_size\":4096,\"program\":");
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
  fprintf(out, ",\"aslr\":false,\"layout\":\"%s\",\"uid\":%d", legacy ? "legacy" : "topdown", (int)getuid());
  fprintf(out, ",\"start_brk\":\"0x%llx\",\"brk_start\":\"0x%llx\",\"start_stack\":\"0x%llx\"",
          (unsigned long long)start_brk, (unsigned long long)start_brk,
          (unsigned long long)stat_field(pid, 28));
  fprintf(out, ",\"recorder\":\"maple-tree tools/recorder/vmrun.c\"}\n");
}

/* An `open` record for descriptor fd of pid (what it names now). */
static void emit_open(pid_t pid, long fd) {
  char link[64], target[4096];
  snprintf(link, sizeof link, "/proc/%d/fd/%ld", pid, fd);
  ssize_t n = readlink(link, target, sizeof target - 1);
  struct stat st;
  if (n < 0 || stat(link, &st) != 0) return; /* already closed by another thread */
  target[n] = 0;
  fprintf(out, "{\"kind\":\"open\",\"fd\":%ld,\"path\":", fd);
  json_str(target);
  fprintf(out, ",\"dev\":\"%02x:%02x\",\"inode\":%llu,\"size\":\"0x%llx\"}\n", major(st.st_dev), minor(st.st_dev),
          (unsigned long long)st.st_ino, (unsigned long long)st.st_size);
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

/* Calls that touch the address space but are not among the replayed ops. */
static const char *other_name(long nr) {
  switch (nr) {
  case SYS_madvise: return "madvise";
  case SYS_mlock: return "mlock";
  case SYS_mlock2: return "mlock2";
  case SYS_munlock: return "munlock";
  case SYS_mlockall: return "mlockall";
  case SYS_munlockall: return "munlockall";
  case SYS_pkey_mprotect: return "pkey_mprotect";
  case SYS_shmat: return "shmat";
  case SYS_shmdt: return "shmdt";
  case SYS_remap_file_pages: return "remap_file_pages";
  case SYS_process_madvise: return "process_madvise";
#ifdef SYS_mseal
  case SYS_mseal: return "mseal";
#endif
  default: return 0;
  }
}

static void log_call(pid_t tid, struct __ptrace_syscall_info *in, struct __ptrace_syscall_info *ex) {
  long nr = (long)in->entry.nr;
  const u64 *a = (const u64 *)in->entry.args;
  long long rv = ex->exit.rval;
  int err = ex->exit.is_error;
  if ((nr == SYS_open || nr == SYS_openat || nr == SYS_openat2 || nr == SYS_creat) && !err) {
    emit_open(tid, (long)rv);
    return;
  }
  const char *other = other_name(nr);
  int raw = other != 0;
  if (nr == SYS_mmap && !flags_known(a[3], 0)) raw = 1, other = "mmap_raw";
  if (nr == SYS_mremap && !flags_known(a[3], 1)) raw = 1, other = "mremap_raw";
  if (raw) {
    fprintf(out, "{\"kind\":\"op\",\"i\":%ld,\"op\":\"%s\",\"args\":[", ++op_no, other);
    for (int k = 0; k < 6; k++) fprintf(out, "%s\"0x%llx\"", k ? "," : "", (unsigned long long)a[k]);
    fputc(']', out);
    answer(rv, err);
    return;
  }
  switch (nr) {
  case SYS_mmap:
    fprintf(out, "{\"kind\":\"op\",\"i\":%ld,\"op\":\"mmap\",\"addr\":\"0x%llx\",\"len\":\"0x%llx\"", ++op_no,
            (unsigned long long)a[0], (unsigned long long)a[1]);
    prot_text(a[2]);
    flags_text(a[3], 0);
    fprintf(out, ",\"fd\":%d,\"off\":\"0x%llx\"", (int)a[4], (unsigned long long)a[5]);
    break;
  case SYS_munmap:
    fprintf(out, "{\"kind\":\"op\",\"i\":%ld,\"op\":\"munmap\",\"addr\":\"0x%llx\",\"len\":\"0x%llx\"", ++op_no,
            (unsigned long long)a[0], (unsigned long long)a[1]);
    break;
  case SYS_mprotect:
    fprintf(out, "{\"kind\":\"op\",\"i\":%ld,\"op\":\"mprotect\",\"addr\":\"0x%llx\",\"len\":\"0x%llx\"", ++op_no,
            (unsigned long long)a[0], (unsigned long long)a[1]);
    prot_text(a[2]);
    break;
  case SYS_mremap:
    fprintf(out, "{\"kind\":\"op\",\"i\":%ld,\"op\":\"mremap\",\"addr\":\"0x%llx\",\"old_len\":\"0x%llx\",\"new_len\":\"0x%llx\"",
            ++op_no, (unsigned long long)a[0], (unsigned long long)a[1], (unsigned long long)a[2]);
    flags_text(a[3], 1);
    fprintf(out, ",\"new_addr\":\"0x%llx\"", (unsigned long long)a[4]);
    break;
  case SYS_brk:
    fprintf(out, "{\"kind\":\"op\",\"i\":%ld,\"op\":\"brk\",\"addr\":\"0x%llx\"", ++op_no, (unsigned long long)a[0]);
    break;
  default:
    return;
  }
  answer(rv, err);
}

#define MAX_TIDS 256
static struct {
  pid_t tid;
  int have_entry;
  struct __ptrace_syscall_info entry;
} tids[MAX_TIDS];

static int slot(pid_t tid) {
  for (int k = 0; k < MAX_TIDS; k++)
    if (tids[k].tid == tid) return k;
  for (int k = 0; k < MAX_TIDS; k++)
    if (!tids[k].tid) {
      tids[k].tid = tid;
      tids[k].have_entry = 0;
      return k;
    }
  die("too many threads");
  return -1;
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
              PTRACE_O_EXITKILL;
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
      tids[slot(tid)].tid = 0;
      continue;
    }
    int sig = 0;
    int event = status >> 16;
    if (event == PTRACE_EVENT_EXEC) {
      /* A new program image: the history starts here (a later exec restarts nothing; we keep the first). */
      if (!started) {
        emit_header(tid, name, legacy);
        emit_maps(tid, 0);
        started = 1;
      }
      tids[slot(tid)].have_entry = 0;
    } else if (event == PTRACE_EVENT_EXIT) {
      if (tid == leader && started) emit_maps(tid, op_no);
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
      } else if (info.op == PTRACE_SYSCALL_INFO_EXIT && tids[s].have_entry) {
        if (started) log_call(tid, &tids[s].entry, &info);
        tids[s].have_entry = 0;
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
