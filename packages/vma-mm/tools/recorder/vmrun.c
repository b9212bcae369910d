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
#include "vmrun.h"

#include <elf.h>
#include <errno.h>
#include <linux/kcmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

FILE *out;
long op_no;
pid_t leader;

void die(const char *msg) {
  fprintf(stderr, "vmrun: %s%s%s\n", msg, errno ? ": " : "", errno ? strerror(errno) : "");
  exit(2);
}

void json_str(const char *s) {
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
  /* The program's own limits as its exec found them (a shell may have changed them before an exec). */
  if (uname(&u) != 0 || prlimit(pid, RLIMIT_STACK, 0, &rl) != 0) die("uname/prlimit failed");
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
  /* RLIMIT_STACK decides where the top-down mmap base lies; unlimited puts it at its lowest. */
  if (rl.rlim_cur != RLIM_INFINITY) fprintf(out, ",\"stack_rlimit\":%llu", (unsigned long long)rl.rlim_cur);
  else fputs(",\"stack_rlimit\":\"unlimited\"", out);
  /* RLIMIT_AS and RLIMIT_DATA bound the mappings; brk counts the data segment (end_data - start_data) too. */
  struct rlimit as, data;
  if (prlimit(pid, RLIMIT_AS, 0, &as) == 0 && as.rlim_cur != RLIM_INFINITY)
    fprintf(out, ",\"as_rlimit\":%llu", (unsigned long long)as.rlim_cur);
  if (prlimit(pid, RLIMIT_DATA, 0, &data) == 0 && data.rlim_cur != RLIM_INFINITY)
    fprintf(out, ",\"data_rlimit\":%llu", (unsigned long long)data.rlim_cur);
  fprintf(out, ",\"data_segment\":%llu", (unsigned long long)(stat_field(pid, 46) - stat_field(pid, 45)));
  struct rlimit ml;
  if (prlimit(pid, RLIMIT_MEMLOCK, 0, &ml) == 0 && ml.rlim_cur != RLIM_INFINITY)
    fprintf(out, ",\"memlock_rlimit\":%llu", (unsigned long long)ml.rlim_cur);
  /* The kernel's internal hugetlbfs mount, where anonymous MAP_HUGETLB memory lives: a hugetlb memfd is there too. */
  int huge = (int)syscall(SYS_memfd_create, "vmrun-hugetlbfs", 4U /* MFD_HUGETLB */);
  struct stat hs;
  if (huge >= 0 && fstat(huge, &hs) == 0)
    fprintf(out, ",\"hugetlbfs_dev\":\"%02x:%02x\"", major(hs.st_dev), minor(hs.st_dev));
  if (huge >= 0) close(huge);
  /* The huge page sizes the kernel has pools of (MAP_HUGE_<size> may ask for them), from sysfs. */
  DIR *hp = opendir("/sys/kernel/mm/hugepages");
  if (hp) {
    int sizes = 0;
    struct dirent *e;
    while ((e = readdir(hp))) {
      unsigned long long kb;
      if (sscanf(e->d_name, "hugepages-%llukB", &kb) != 1) continue;
      fprintf(out, "%s%llu", sizes++ ? "," : ",\"huge_page_sizes\":[", kb * 1024);
    }
    if (sizes) fputc(']', out);
    closedir(hp);
  }
  /* The personality the exec left (READ_IMPLIES_EXEC for an ia32 program without PT_GNU_STACK, or setarch -X). */
  char ppath[64];
  snprintf(ppath, sizeof ppath, "/proc/%d/personality", pid);
  FILE *pf = fopen(ppath, "r");
  unsigned long pers = 0;
  if (pf && fscanf(pf, "%lx", &pers) == 1) fprintf(out, ",\"personality\":\"0x%lx\"", pers);
  if (pf) fclose(pf);
  /* x86's mmap_is_legacy: ADDR_COMPAT_LAYOUT (our -L, or a setarch -L the program ran under) or the sysctl. */
  if (pers & ADDR_COMPAT_LAYOUT || read_number("/proc/sys/vm/legacy_va_layout", 0)) legacy = 1;
  /* vmrun turns randomisation off, but a program exec'd through setarch without -R has it back on. */
  int aslr = !(pers & ADDR_NO_RANDOMIZE) && read_number("/proc/sys/kernel/randomize_va_space", 2) != 0;
  fprintf(out, ",\"aslr\":%s,\"layout\":\"%s\",\"uid\":%d", aslr ? "true" : "false", legacy ? "legacy" : "topdown",
          (int)getuid());
  fprintf(out, ",\"start_brk\":\"0x%llx\",\"brk_start\":\"0x%llx\",\"start_stack\":\"0x%llx\"",
          (unsigned long long)start_brk, (unsigned long long)start_brk,
          (unsigned long long)stat_field(pid, 28));
  fprintf(out, ",\"recorder\":\"maple-tree tools/recorder/vmrun.c\"}\n");
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
  files_reset();
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


/* The call in flight is over (returned, or its thread is exiting): let the next held thread in. */
static void release_next(void) {
  in_flight = 0;
  for (int k = 0; k < MAX_TIDS; k++)
    if (tids[k].tid && tids[k].held) {
      tids[k].held = 0;
      in_flight = tids[k].tid;
      /* Other threads ran while it waited: what their faults changed goes before its call. */
      check_faults(tids[k].tid);
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
        if (started && call_orders(&info)) {
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
