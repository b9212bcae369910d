/*
 * vmrun.h - shared declarations of vmrun, the real-program recorder (MIT
 * licence, part of @maple-tree/vma-mm). It is split by job:
 *
 *   vmrun.c        the tracer: ptrace loop, threads, one address-space call at
 *                  a time, the header and maps records, exec restarts
 *   vmrun-calls.c  what a system call is (x86_64 and ia32 numbers) and its
 *                  op record
 *   vmrun-files.c  open and unlink records: what each descriptor names
 *   vmrun-faults.c fault records: the stack's growth and first writes
 */
#ifndef VMRUN_H
#define VMRUN_H

#define _GNU_SOURCE
#include <sys/ptrace.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

typedef uint64_t u64;

/* vmrun.c */
extern FILE *out;   /* the history being written */
extern long op_no;  /* op records written so far */
extern pid_t leader; /* the traced process (thread-group leader) */
void die(const char *msg);
void json_str(const char *s);

/* vmrun-calls.c */
int call_orders(const struct __ptrace_syscall_info *in);
void log_call(pid_t tid, const struct __ptrace_syscall_info *in, const struct __ptrace_syscall_info *ex);

/* vmrun-files.c */
void emit_open(pid_t pid, long fd, int only_if_changed);
void check_sizes(pid_t pid);
void check_seals(pid_t pid);
void emit_shm(pid_t pid, long shmid);
void check_names(pid_t pid);
void files_reset(void);

/* vmrun-faults.c */
void track_faults(pid_t pid);
void check_faults(pid_t pid);

#endif
