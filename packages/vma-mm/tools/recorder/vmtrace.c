/*
 * vmtrace.c - record a Linux address-space history as vmtrace/1 JSONL
 * (see ../../fixtures/traces/FORMAT.md). MIT licence, part of @maple-tree/vma-mm.
 *
 * A seeded random driver: it issues a mix of mmap / munmap / mprotect /
 * mremap / brk calls (the advise profile adds madvise, mlock, mlock2,
 * munlock, mlockall and munlockall) through raw system calls and logs each
 * call with the kernel's own answer, plus /proc/self/maps snapshots (at op 0, every
 * --every ops, and at the end). It never touches the memory it maps (only
 * MAP_POPULATE, MAP_LOCKED and mlock fault it in, as the kernel does) and
 * allocates nothing (static buffers, write(2) to stdout), so the logged calls
 * are the only changes to its layout.
 *
 *   vmtrace --seed N --profile mixed|extra|near|limit|heap|edge|flags|wide|advise|seal --ops N --dir DIR [--every K]
 *           [--lsm-min-addr N]
 *
 * --dir is where the four data files are created (and left behind).
 * --lsm-min-addr is the kernel's CONFIG_LSM_MMAP_MIN_ADDR (the kernel's own
 * mmap_min_addr is the larger of it and vm.mmap_min_addr); it goes into the
 * header as lsm_mmap_min_addr.
 * Build and run it with record.sh (address-space randomisation off).
 */
#include "vmtrace.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

struct world W;

/* A syscall argument as the kernel receives it: a 32-bit driver passes (and so logs) the low 32 bits. */
#define ARG(x) ((u64)(unsigned long)(x))

/* --------------------------------------------------------- the syscalls */

static u64 sys_mmap(u64 addr, u64 len, int prot, int flags, int fd, u64 off) {
  long r;
#ifdef __i386__
  r = syscall(SYS_mmap2, (unsigned long)addr, (unsigned long)len, prot, flags, fd, (unsigned long)(off / PS));
#else
  r = syscall(SYS_mmap, addr, len, prot, flags, fd, off);
#endif
  last_errno = r == -1 ? errno : 0;
  return (u64)(unsigned long)r;
}

/* Opens an op record whose first two fields are the call's addr and len. */
static void op_range(const char *name, u64 addr, u64 len) {
  op_begin(name);
  outkey("addr");
  outhex(addr);
  outkey("len");
  outhex(len);
}

/* fdi: a data file's index, -1 for none (anonymous), -2 for a file mapping without a file (EBADF). */
u64 call_mmap(u64 addr, u64 len, int prot, int flags, int fdi, u64 off) {
  int fd = fdi >= 0 ? W.fds[fdi] : -1;
  addr = ARG(addr);
  len = ARG(len);
  op_range("mmap", addr, len);
  op_prot(prot);
  op_flags(flags, 0);
  outkey("fd");
  outdec(fd);
  outkey("off");
  outhex(off);
  u64 ret = sys_mmap(addr, len, prot, flags, fd, off);
  op_end(ret);
  if (!last_errno) track_add(ret, len, fdi < 0 ? -1 : fdi, fdi < 0 ? 0 : off, prot, flags);
  return ret;
}

static long sys3(long nr, u64 a, u64 b, u64 c) {
  long r = syscall(nr, (unsigned long)a, (unsigned long)b, (unsigned long)c);
  last_errno = r == -1 ? errno : 0;
  return r;
}

/* A call a replay finds under its own name with raw arguments, as vmrun logs madvise, mlock and the like. */
long call_raw(const char *name, long nr, u64 a, u64 b, u64 c) {
  a = ARG(a);
  b = ARG(b);
  c = ARG(c);
  op_begin(name);
  outkey("args");
  outc('[');
  outhex(a);
  outc(',');
  outhex(b);
  outc(',');
  outhex(c);
  outc(']');
  long r = sys3(nr, a, b, c);
  op_end((u64)r);
  return r;
}

long call_munmap(u64 addr, u64 len) {
  addr = ARG(addr);
  len = ARG(len);
  op_range("munmap", addr, len);
  long r = sys3(SYS_munmap, addr, len, 0);
  op_end((u64)r);
  if (!last_errno) track_remove(addr, addr + PAGE_UP(len));
  return r;
}

long call_mprotect(u64 addr, u64 len, int prot) {
  addr = ARG(addr);
  len = ARG(len);
  op_range("mprotect", addr, len);
  op_prot(prot);
  long r = sys3(SYS_mprotect, addr, len, (u64)prot);
  op_end((u64)r);
  if (!last_errno)
    for (int k = 0; k < ntrack; k++)
      if (T[k].addr >= addr && T[k].addr + T[k].len <= addr + PAGE_UP(len)) T[k].prot = prot;
  return r;
}

u64 call_mremap(u64 addr, u64 old_len, u64 new_len, int flags, u64 new_addr) {
  addr = ARG(addr);
  old_len = ARG(old_len);
  new_len = ARG(new_len);
  new_addr = ARG(new_addr);
  op_begin("mremap");
  outkey("addr");
  outhex(addr);
  outkey("old_len");
  outhex(old_len);
  outkey("new_len");
  outhex(new_len);
  op_flags(flags, 1);
  outkey("new_addr");
  outhex(new_addr);
  long r = syscall(SYS_mremap, (unsigned long)addr, (unsigned long)old_len, (unsigned long)new_len, flags,
                   (unsigned long)new_addr);
  last_errno = r == -1 ? errno : 0;
  u64 ret = (u64)(unsigned long)r;
  op_end(ret);
  if (!last_errno) {
    struct tracked src = {0, 0, 0, -1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS};
    for (int k = 0; k < ntrack; k++)
      if (T[k].addr <= addr && addr < T[k].addr + T[k].len) {
        src = T[k];
        src.off += addr - T[k].addr;
        break;
      }
    if (!(flags & MREMAP_DONTUNMAP)) track_remove(addr, addr + PAGE_UP(old_len));
    track_add(ret, new_len, src.fdi, src.off, src.prot, src.flags & ~(MAP_FIXED | MAP_FIXED_NOREPLACE));
  }
  return ret;
}

/* brk never fails: the answer is the new break, or the old one when the kernel refused. */
u64 call_brk(u64 addr) {
  addr = ARG(addr);
  op_begin("brk");
  outkey("addr");
  outhex(addr);
  u64 got = (u64)(unsigned long)syscall(SYS_brk, (unsigned long)addr);
  last_errno = 0;
  op_end(got);
  if (W.profile == PROF_HEAP) {
    /* The heap becomes a target of the other calls too. */
    u64 was = PAGE_UP(W.cur_brk), now = PAGE_UP(got);
    if (now > was) track_add(was, now - was, -1, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    else if (now < was) track_remove(now, was);
  }
  W.cur_brk = got;
  return got;
}

/* -------------------------------------------------------------- files */

static char pathbuf[512];

static void make_files(const char *dir) {
  static const u64 sizes[4] = {0x30000, 0x90000, 0x100000, 0x500000};
  size_t dl = strlen(dir);
  if (dl + 16 > sizeof pathbuf) die("--dir too long");
  for (int k = 0; k < 4; k++) {
    memcpy(pathbuf, dir, dl);
    memcpy(pathbuf + dl, "/vmtrace-a.dat", 15);
    pathbuf[dl + 9] = (char)('a' + k);
    int fd = open(pathbuf, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) die("cannot create a data file");
    if (ftruncate(fd, (off_t)sizes[k]) != 0) die("cannot size a data file");
    struct stat st;
    if (fstat(fd, &st) != 0) die("cannot stat a data file");
    W.fds[k] = fd;
    W.fsize[k] = sizes[k];
    outs("{\"kind\":\"open\",\"fd\":");
    outdec(fd);
    outkey("path");
    outjson(pathbuf, strlen(pathbuf));
    outkey("dev");
    {
      static const char hx[] = "0123456789abcdef";
      unsigned ma = major(st.st_dev), mi = minor(st.st_dev);
      char d[16];
      int n = 0;
      d[n++] = '"';
      if (ma > 0xff) d[n++] = hx[(ma >> 8) & 15];
      d[n++] = hx[(ma >> 4) & 15];
      d[n++] = hx[ma & 15];
      d[n++] = ':';
      if (mi > 0xff) d[n++] = hx[(mi >> 8) & 15];
      d[n++] = hx[(mi >> 4) & 15];
      d[n++] = hx[mi & 15];
      d[n++] = '"';
      for (int q = 0; q < n; q++) outc(d[q]);
    }
    outkey("inode");
    outdec((long long)st.st_ino);
    outkey("size");
    outhex(sizes[k]);
    outs("}\n");
  }
}

/* ------------------------------------------------------------ header */

static void emit_header(u64 seed, const char *profile, u64 start_stack) {
  struct utsname u;
  if (uname(&u) != 0) die("uname failed");
  struct rlimit rl;
  if (getrlimit(RLIMIT_STACK, &rl) != 0) die("getrlimit failed");
  int pers = personality(0xffffffff);
  long randomize = read_small("/proc/sys/kernel/randomize_va_space") > 0 ? (long)parse_dec(smallbuf) : 2;
  long legacy_sysctl = read_small("/proc/sys/vm/legacy_va_layout") > 0 ? (long)parse_dec(smallbuf) : 0;
  /* x86's mmap_is_legacy: the personality or the sysctl; an unlimited stack only lowers the top-down base. */
  int legacy = (pers & ADDR_COMPAT_LAYOUT) || legacy_sysctl;
  int aslr = !(pers & ADDR_NO_RANDOMIZE) && randomize != 0;
  u64 min_addr = read_small("/proc/sys/vm/mmap_min_addr") > 0 ? parse_dec(smallbuf) : 0;

  outs("{\"kind\":\"header\",\"format\":\"vmtrace/1\"");
  outkey("arch");
  outs(W.is32 ? "\"i386\"" : "\"x86_64\"");
  outkey("page_size");
  outdec((long long)PS);
  outkey("seed");
  outdec((long long)seed);
  outkey("profile");
  outjson(profile, strlen(profile));
  outkey("brk_start");
  outhex(W.cur_brk);
  outkey("start_brk");
  outhex(W.start_brk);
  outkey("start_stack");
  outhex(start_stack);
  outkey("kernel");
  outjson(u.release, strlen(u.release));
  outkey("thp");
  {
    const char *t = "unknown";
    size_t tl = 7;
    if (read_small("/sys/kernel/mm/transparent_hugepage/enabled") > 0) {
      char *a = strchr(smallbuf, '['), *b = a ? strchr(a, ']') : 0;
      if (a && b) t = a + 1, tl = (size_t)(b - a - 1);
    }
    outjson(t, tl);
  }
  outkey("max_map_count");
  outdec(W.max_map_count);
  outkey("mmap_min_addr");
  outdec((long long)min_addr);
  if (W.lsm_min_addr >= 0) {
    outkey("lsm_mmap_min_addr");
    outdec(W.lsm_min_addr);
  }
  outkey("uid");
  outdec((long long)getuid());
  outkey("stack_rlimit");
  if (rl.rlim_cur != RLIM_INFINITY) outdec((long long)rl.rlim_cur);
  else outs("\"unlimited\"");
  {
    struct rlimit ml;
    if (getrlimit(RLIMIT_MEMLOCK, &ml) == 0 && ml.rlim_cur != RLIM_INFINITY) {
      outkey("memlock_rlimit");
      outdec((long long)ml.rlim_cur);
    }
  }
  {
    /* The kernel's internal hugetlbfs mount (anonymous MAP_HUGETLB memory is a file there), as maps prints it. */
    int h = (int)syscall(SYS_memfd_create, "vmtrace-hugetlbfs", 4U /* MFD_HUGETLB */);
    struct stat hs;
    if (h >= 0 && fstat(h, &hs) == 0) {
      static const char hex[] = "0123456789abcdef";
      unsigned ma = major(hs.st_dev), mi = minor(hs.st_dev);
      char dev[8] = {'"', hex[(ma >> 4) & 15], hex[ma & 15], ':', hex[(mi >> 4) & 15], hex[mi & 15], '"', 0};
      outkey("hugetlbfs_dev");
      outs(dev);
    }
    if (h >= 0) close(h);
  }
  outkey("aslr");
  outs(aslr ? "true" : "false");
  outkey("layout");
  outs(legacy ? "\"legacy\"" : "\"topdown\"");
  outkey("recorder");
  outs("\"maple-tree tools/recorder/vmtrace.c\"}\n");
}

/* ------------------------------------------------------- crash report */

static char altstack[16384];

/* A call that broke the driver's own memory would be a recorder bug: say where, after which op. */
static void on_fault(int sig, siginfo_t *si, void *ctx) {
  (void)ctx;
  static const char hx[] = "0123456789abcdef";
  char msg[96] = "vmtrace: signal ";
  size_t n = strlen(msg);
  msg[n++] = (char)('0' + sig / 10);
  msg[n++] = (char)('0' + sig % 10);
  memcpy(msg + n, " at 0x", 6);
  n += 6;
  u64 a = (u64)(unsigned long)si->si_addr;
  for (int sh = 60; sh >= 0; sh -= 4) msg[n++] = hx[(a >> sh) & 15];
  memcpy(msg + n, " after op ", 10);
  n += 10;
  char num[24];
  int k = 0;
  long v = op_no;
  do num[k++] = (char)('0' + v % 10); while ((v /= 10));
  while (k) msg[n++] = num[--k];
  msg[n++] = '\n';
  if (write(2, msg, n) < 0) _exit(4);
  _exit(4);
}

static void catch_faults(void) {
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  if (sigaltstack(&ss, 0) != 0 || sigaction(SIGSEGV, &sa, 0) != 0 || sigaction(SIGBUS, &sa, 0) != 0)
    die("cannot install the fault handler");
}

/* --------------------------------------------------------------- main */

static int streq(const char *a, const char *b) {
  return strcmp(a, b) == 0;
}

static const char usage[] = "usage: vmtrace --seed N --profile mixed|extra|near|limit|heap|edge|flags|wide|advise|seal --ops N --dir DIR [--every K] [--lsm-min-addr N]";

int main(int argc, char **argv) {
  u64 seed = 1;
  long ops = 3000, every = 100;
  const char *profile = "mixed", *dir = 0;
  W.lsm_min_addr = -1;
  if (argc % 2 == 0) die(usage);
  for (int k = 1; k + 1 < argc; k += 2) {
    if (streq(argv[k], "--seed")) seed = parse_dec(argv[k + 1]);
    else if (streq(argv[k], "--ops")) ops = (long)parse_dec(argv[k + 1]);
    else if (streq(argv[k], "--every")) every = (long)parse_dec(argv[k + 1]);
    else if (streq(argv[k], "--profile")) profile = argv[k + 1];
    else if (streq(argv[k], "--dir")) dir = argv[k + 1];
    else if (streq(argv[k], "--lsm-min-addr")) W.lsm_min_addr = (long)parse_dec(argv[k + 1]);
    else die(usage);
  }
  if (!dir) die(usage);
  if (streq(profile, "mixed")) W.profile = PROF_MIXED;
  else if (streq(profile, "extra")) W.profile = PROF_EXTRA;
  else if (streq(profile, "near")) W.profile = PROF_NEAR;
  else if (streq(profile, "limit")) W.profile = PROF_LIMIT;
  else if (streq(profile, "heap")) W.profile = PROF_HEAP;
  else if (streq(profile, "edge")) W.profile = PROF_EDGE;
  else if (streq(profile, "flags")) W.profile = PROF_FLAGS;
  else if (streq(profile, "wide")) W.profile = PROF_WIDE;
  else if (streq(profile, "advise")) W.profile = PROF_ADVISE;
  else if (streq(profile, "seal")) W.profile = PROF_SEAL;
  else die("unknown profile");
  if (every <= 0) every = ops;
#ifdef __i386__
  W.is32 = 1;
  W.task_size = 0xffffe000ULL; /* an ia32 process on a 64-bit kernel */
  W.low_span = 0x08000000ULL;
#else
  W.task_size = 0x7ffffffff000ULL;
  W.low_span = 0x10000000ULL;
#endif
  W.low_zone = 0x10000000ULL;
  rng_seed(seed);
  catch_faults();

  W.max_map_count = read_small("/proc/sys/vm/max_map_count") > 0 ? (long)parse_dec(smallbuf) : 65530;
  u64 start_stack = stat_field(28);
  W.start_brk = stat_field(47);
  W.cur_brk = (u64)(unsigned long)syscall(SYS_brk, 0UL);
  struct rlimit rl;
  if (getrlimit(RLIMIT_STACK, &rl) != 0) die("getrlimit failed");
  u64 room = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 256 * MIB ? 256 * MIB : rl.rlim_cur;
  protect_start_layout(room + 2 * MIB);

  emit_header(seed, profile, start_stack);
  make_files(dir);
  emit_maps(0);
  flush_out();

  W.ops = ops;
  while (op_no < ops) {
    long before = op_no;
    int done = 0;
    if (W.profile == PROF_LIMIT) done = gen_limit();
    else if (W.profile == PROF_NEAR && chance(45)) done = gen_near();
    else if (W.profile == PROF_HEAP && chance(40)) done = chance(25) ? gen_brk() : gen_near();
    else if (W.profile == PROF_EDGE && chance(40)) done = chance(35) ? gen_edge() : gen_near();
    else if (W.profile == PROF_FLAGS && chance(40)) done = chance(45) ? gen_flags() : gen_near();
    else if (W.profile == PROF_WIDE && chance(45)) done = chance(60) ? gen_wide() : gen_near();
    else if (W.profile == PROF_ADVISE && chance(45)) done = chance(60) ? gen_advise() : gen_near();
    else if (W.profile == PROF_SEAL && chance(40)) done = chance(35) ? gen_seal() : gen_near();
    if (!done) {
      u64 r = rnd(100);
      if (r < 34) gen_mmap();
      else if (r < 52) gen_munmap();
      else if (r < 72) gen_mprotect();
      else if (r < 88) gen_mremap();
      else gen_brk();
    }
    if (op_no != before && op_no % every == 0) emit_maps(op_no);
  }
  if (op_no % every) emit_maps(op_no);
  flush_out();
  syscall(SYS_exit_group, 0);
  return 0;
}
