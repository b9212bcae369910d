/*
 * vmrun-calls.c - what a traced system call is and the op record it makes
 * (MIT licence, part of @maple-tree/vma-mm). Calls are told apart by ABI:
 * x86_64 numbers from the tracer's own headers, ia32 ones spelt out (mmap2's
 * offset is in pages; the old one-argument mmap reads its six arguments
 * from the program's memory). mmap, munmap, mprotect, mremap and brk become
 * ops with named arguments; madvise, mlock and the like keep their raw ones.
 */
#include "vmrun.h"

#include <errno.h>
#include <linux/audit.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>

static void prot_text(u64 p) {
  fprintf(out, ",\"prot\":\"%c%c%c\"", p & 1 ? 'r' : '-', p & 2 ? 'w' : '-', p & 4 ? 'x' : '-');
  /* PROT_SEM, PROT_GROWSDOWN, PROT_GROWSUP or an unknown bit: the text cannot say it, prot_raw does. */
  if (p & ~(u64)7) fprintf(out, ",\"prot_raw\":\"0x%llx\"", (unsigned long long)p);
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

/* With MAP_HUGETLB, bits 26-31 are log2 of the huge page size asked for (MAP_HUGE_SHIFT, MAP_HUGE_MASK). */
#define MAP_HUGETLB_BIT 0x40000ULL
#define HUGE_SIZE_BITS (0x3fULL << 26)

/*
 * The huge page size bits of an mmap's flags that have a MAP_HUGE_<size> name (sizes of 1 KiB and up): 0
 * without MAP_HUGETLB, where bit 26 is MAP_UNINITIALIZED.
 */
static u64 huge_size_bits(u64 flags) {
  u64 huge = flags & MAP_HUGETLB_BIT ? flags & HUGE_SIZE_BITS : 0;
  return (huge >> 26) >= 10 ? huge : 0;
}

/* The flags as names; 0 when a bit has no name (the call is then logged raw). */
static int flags_known(u64 flags, int mremap) {
  u64 known = 0;
  if (mremap) known = 7;
  else
    for (size_t k = 0; k < sizeof map_names / sizeof map_names[0]; k++) known |= map_names[k].bit;
  return ((flags & ~huge_size_bits(flags)) & ~known) == 0;
}

static void flags_text(u64 flags, int mremap) {
  static const char *const mr[] = {"MAYMOVE", "FIXED", "DONTUNMAP"};
  fputs(",\"flags\":[", out);
  int first = 1;
  u64 huge = mremap ? 0 : huge_size_bits(flags);
  flags &= ~huge;
  size_t n = mremap ? 3 : sizeof map_names / sizeof map_names[0];
  for (size_t k = 0; k < n; k++) {
    u64 bit = mremap ? 1ULL << k : map_names[k].bit;
    if (!(flags & bit)) continue;
    fprintf(out, "%s\"%s\"", first ? "" : ",", mremap ? mr[k] : map_names[k].name);
    first = 0;
  }
  if (huge) {
    /* MAP_HUGE_2MB, MAP_HUGE_1GB, ...: the size in the largest unit that keeps it whole. */
    int log = (int)(huge >> 26);
    int shift = log >= 30 ? 30 : log >= 20 ? 20 : 10;
    fprintf(out, "%s\"HUGE_%llu%s\"", first ? "" : ",", 1ULL << (log - shift),
            shift == 30 ? "GB" : shift == 20 ? "MB" : "KB");
  }
  fputc(']', out);
}

static void answer(long long rval, int is_error) {
  if (is_error) fprintf(out, ",\"err\":%lld}\n", -rval);
  else fprintf(out, ",\"ret\":\"0x%llx\"}\n", (unsigned long long)rval);
}

/* What a system call is to the recorder, whichever ABI made it. */
enum call { C_NONE, C_MMAP, C_MMAP2, C_OLD_MMAP, C_MUNMAP, C_MPROTECT, C_MREMAP, C_BRK, C_OPEN, C_NAMES, C_OTHER };

/* The native x86_64 numbers, from the tracer's own headers. */
static enum call call_x86_64(long nr, const char **other) {
  switch (nr) {
  case SYS_mmap: return C_MMAP;
  case SYS_munmap: return C_MUNMAP;
  case SYS_mprotect: return C_MPROTECT;
  case SYS_mremap: return C_MREMAP;
  case SYS_brk: return C_BRK;
  case SYS_open: case SYS_openat: case SYS_openat2: case SYS_creat: return C_OPEN;
  case SYS_unlink: case SYS_unlinkat: case SYS_rename: case SYS_renameat: case SYS_renameat2: return C_NAMES;
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
  case 10: case 301: case 38: case 302: case 353: return C_NAMES; /* unlink(at), rename(at)(2) */
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

void log_call(pid_t tid, const struct __ptrace_syscall_info *in, const struct __ptrace_syscall_info *ex) {
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
  if (c == C_NAMES) {
    if (!err) check_names(tid);
    return;
  }
  /* An old mmap whose argument block cannot be read failed with EFAULT before it changed anything. */
  if (c == C_OLD_MMAP && !read_old_mmap_args(tid, in->entry.args[0], a)) c = C_OTHER, other = "old_mmap";
  if (c == C_MMAP2) a[5] *= 4096, c = C_MMAP;
  if (c == C_OLD_MMAP) c = C_MMAP;
  /* A file mapping's descriptor is described first if no record says what it names now (raw ones too). */
  if (c == C_MMAP && !(a[3] & 0x20) && (int)a[4] >= 0) emit_open(tid, (int)a[4], 1);
  if (c == C_MMAP && !flags_known(a[3], 0)) c = C_OTHER, other = "mmap_raw";
  if (c == C_MREMAP && !flags_known(a[3], 1)) c = C_OTHER, other = "mremap_raw";
  check_sizes(tid);
  check_seals(tid);
  /* A System V segment is described before the shmat that attaches it (shmat, or ipc's SHMAT: 21). */
  if (c == C_OTHER && !strcmp(other, "shmat")) emit_shm(tid, (int)a[0]);
  if (c == C_OTHER && !strcmp(other, "ipc") && (a[0] & 0xffff) == 21) emit_shm(tid, (int)a[1]);
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

/* Whether a call is one of those that run one at a time (the address-space calls: not open, not unlink). */
int call_orders(const struct __ptrace_syscall_info *in) {
  const char *other = 0;
  enum call c = in->arch == AUDIT_ARCH_I386 ? call_i386((long)in->entry.nr, &other)
                                             : call_x86_64((long)in->entry.nr, &other);
  return c != C_NONE && c != C_OPEN && c != C_NAMES;
}
