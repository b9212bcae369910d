/*
 * vmtrace.h - shared declarations of the vmtrace recorder (MIT licence, part
 * of @maple-tree/vma-mm). The recorder is split by job:
 *
 *   out.c     buffered JSONL output and the op-record writers
 *   procfs.c  small /proc and /sys reads, /proc/self/maps snapshots, the
 *             protected start layout
 *   track.c   the random source and the ranges the driver mapped
 *   gen.c     the random calls of the mixed and extra profiles
 *   gen-near.c calls aimed next to existing mappings (merges, anon_vma
 *             sharing, guard gaps) and the limit profile
 *   gen-edge.c calls with boundary arguments (wrapping lengths, TASK_SIZE,
 *             mmap_min_addr, MAP_SHARED_VALIDATE) and the rarer MAP_* flags
 *   gen-wide.c terabyte reservations, MAP_32BIT/MAP_ABOVE4G, hints at the top
 *   gen-advise.c madvise, mlock, mlock2, munlock and MAP_LOCKED
 *   vmtrace.c the system calls, data files, header and main loop
 *
 * Nothing here allocates: every buffer is static.
 */
#ifndef VMTRACE_H
#define VMTRACE_H

#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>

typedef uint64_t u64;

#define PS 4096ULL
#define MIB (1024ULL * 1024ULL)
#define PAGE_UP(x) (((x) + PS - 1) & ~(PS - 1))

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#define VT_MAP_32BIT 0x40
#define VT_MAP_SYNC 0x80000
#define VT_MAP_ABOVE4G 0x80
#define VT_MAP_DROPPABLE 0x08
#ifndef MAP_UNINITIALIZED
#define MAP_UNINITIALIZED 0x4000000
#endif

enum { PROF_MIXED, PROF_EXTRA, PROF_NEAR, PROF_LIMIT, PROF_HEAP, PROF_EDGE, PROF_FLAGS, PROF_WIDE, PROF_ADVISE, PROF_SEAL };

/* Where the driver plays, what it opened, and the break. */
struct world {
  u64 task_size;
  u64 low_zone; /* start of the fixed-address playground */
  u64 low_span; /* its size */
  u64 start_brk;
  u64 cur_brk;
  int fds[4];
  u64 fsize[4];
  int profile;
  int is32;
  long max_map_count;
  long ops; /* calls to issue */
  long lsm_min_addr; /* CONFIG_LSM_MMAP_MIN_ADDR when known, else -1 */
};
extern struct world W;

/* out.c */
void flush_out(void);
void outc(char c);
void outs(const char *s);
void outhex(u64 v);
void outdec(long long v);
void outjson(const char *s, size_t n);
void outkey(const char *k);
void die(const char *msg);
extern long op_no;
extern long last_errno;
void op_begin(const char *name);
void op_prot(int prot);
void op_flags(int flags, int mremap);
void op_end(u64 ret);

/* procfs.c */
extern char smallbuf[4096];
long read_small(const char *path);
u64 parse_dec(const char *s);
u64 stat_field(int k);
void emit_maps(long at);
void protect_start_layout(u64 stack_room);
void protect_range(u64 lo, u64 hi);
int safe(u64 s, u64 e);

/* track.c */
void rng_seed(u64 seed);
u64 rnd(u64 n);
int chance(int pct);
/* One range the driver mapped: what it maps (fdi: file index, -1 anonymous), at which offset, how. */
struct tracked {
  u64 addr, len, off;
  int fdi, prot, flags;
};
#define MAX_TRACK 4096
extern struct tracked T[MAX_TRACK];
extern int ntrack;
void track_add(u64 addr, u64 len, int fdi, u64 off, int prot, int flags);
void track_remove(u64 s, u64 e);
int track_pick(void);
int track_next_after(int k);

/* vmtrace.c: the calls, each logged with the kernel's answer. */
u64 call_mmap(u64 addr, u64 len, int prot, int flags, int fdi, u64 off);
long call_munmap(u64 addr, u64 len);
long call_mprotect(u64 addr, u64 len, int prot);
u64 call_mremap(u64 addr, u64 old_len, u64 new_len, int flags, u64 new_addr);
u64 call_brk(u64 addr);
long call_raw(const char *name, long nr, u64 a, u64 b, u64 c);

/* gen.c */
u64 pick_len(void);
int pick_prot(void);
void pick_range(u64 *s, u64 *len);
u64 pick_dest(u64 len);
u64 pick_hint(void);
int gen_mmap(void);
int gen_munmap(void);
int gen_mprotect(void);
int gen_mremap(void);
int gen_brk(void);

/* gen-near.c */
int gen_near(void);
int gen_limit(void);

/* gen-edge.c */
int gen_edge(void);
int gen_flags(void);

/* gen-wide.c */
int gen_wide(void);

/* gen-advise.c */
int gen_advise(void);

/* gen-seal.c */
int gen_seal(void);

#endif
