/*
 * vmrun-files.c - vmrun's open and unlink records (MIT licence, part of
 * @maple-tree/vma-mm): what each file descriptor names (path, device and
 * inode, size, access mode, tmpfs or not, a memfd's seals, a duplicate of
 * which earlier descriptor), written after each open and again before an
 * mmap of a descriptor no record describes as it is now; a `seals` record
 * when a described memfd's seals changed (fcntl F_ADD_SEALS); and, after an unlink or a
 * rename, which names of mapped files went away (unlinked, or renamed over)
 * or moved (renamed: the new name, as /proc/PID/maps prints it).
 */
#include "vmrun.h"

#include <fcntl.h>
#include <linux/kcmp.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* What each descriptor was last logged as (by fd number), so that a record is written again only when it changed. */
struct described {
  int known;
  dev_t dev;
  ino_t ino;
  int mode;
  off_t size;
  int shmem; /* a regular file on tmpfs or hugetlbfs: it may be a memfd with seals */
  int seals;
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
 * The seals of the file descriptor fd of pid names (F_GET_SEALS through its /proc link; 0 when it cannot
 * have any: only a memfd can).
 */
static int file_seals(pid_t pid, long fd) {
  char link[64];
  snprintf(link, sizeof link, "/proc/%d/fd/%ld", pid, fd);
  int f = open(link, O_RDONLY | O_CLOEXEC);
  if (f < 0) return 0;
  int seals = fcntl(f, F_GET_SEALS);
  close(f);
  return seals < 0 ? 0 : seals;
}

/*
 * An `open` record for descriptor fd of pid (what it names now): its path, device and inode, size, access mode
 * ("mode": r, w or rw), for a regular file on tmpfs or hugetlbfs the file system ("fs"), for anything but a
 * regular file its "type" (and a device's "rdev"), "noexec" on a noexec mount, and a memfd's "seals" (F_SEAL_*
 * bits, when any is set). With only_if_changed, nothing is
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
/* The name /proc/PID/maps prints now for a mapping of dev:ino (into buf), or 0 when none maps it. */
static char *mapped_name(pid_t pid, dev_t dev, ino_t ino, char *buf, size_t size) {
  char path[64], line[8192];
  snprintf(path, sizeof path, "/proc/%d/maps", pid);
  FILE *f = fopen(path, "r");
  char *found = 0;
  if (!f) return 0;
  while (!found && fgets(line, sizeof line, f)) {
    unsigned maj, min;
    unsigned long long inode;
    int at = 0;
    if (sscanf(line, "%*s %*s %*s %x:%x %llu %n", &maj, &min, &inode, &at) != 3 || !at) continue;
    if (makedev(maj, min) != dev || (ino_t)inode != ino) continue;
    size_t n = strlen(line + at);
    while (n && (line[at + n - 1] == '\n' || line[at + n - 1] == ' ')) n--;
    if (n >= size) n = size - 1;
    memcpy(buf, line + at, n);
    buf[n] = 0;
    found = buf;
  }
  fclose(f);
  return found;
}

/* Descriptors described under `from` (dev:ino) now read as `to`. */
static void redescribe(dev_t dev, ino_t ino, const char *from, const char *to) {
  for (long fd = 0; fd < n_described; fd++) {
    struct described *d = &described[fd];
    if (!d->known || d->dev != dev || d->ino != ino || strcmp(d->path, from)) continue;
    free(d->path);
    d->path = strdup(to);
    if (!d->path) die("out of memory");
  }
}

void check_names(pid_t pid) {
  for (size_t k = 0; k < n_names;) {
    struct name *m = &names[k];
    struct stat st;
    if (stat(m->path, &st) == 0 && st.st_dev == m->dev && st.st_ino == m->ino) {
      k++;
      continue;
    }
    /* The name is gone. If the file is still mapped, maps says what the kernel calls it now: its new name
       after a rename (it moved), or the old one with " (deleted)" (unlinked, or renamed over). */
    char now[4096], gone[4096 + 16];
    snprintf(gone, sizeof gone, "%s (deleted)", m->path);
    if (mapped_name(pid, m->dev, m->ino, now, sizeof now) && now[0] == '/' && strcmp(now, gone)) {
      fputs("{\"kind\":\"rename\",\"path\":", out);
      json_str(m->path);
      emit_dev_inode(m->dev, m->ino);
      fputs(",\"to\":", out);
      json_str(now);
      fputs("}\n", out);
      redescribe(m->dev, m->ino, m->path, now);
      free(m->path);
      m->path = strdup(now);
      if (!m->path) die("out of memory");
      k++;
      continue;
    }
    fputs("{\"kind\":\"unlink\",\"path\":", out);
    json_str(m->path);
    emit_dev_inode(m->dev, m->ino);
    fputs("}\n", out);
    redescribe(m->dev, m->ino, m->path, gone);
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

void emit_open(pid_t pid, long fd, int only_if_changed) {
  char link[64], target[4096];
  snprintf(link, sizeof link, "/proc/%d/fd/%ld", pid, fd);
  ssize_t n = readlink(link, target, sizeof target - 1);
  struct stat st;
  struct statfs sf;
  if (n < 0 || stat(link, &st) != 0) {
    /* Not open (closed, or closed by another thread): an mmap of it is EBADF, so a replay must forget it. */
    if (only_if_changed && fd < n_described && described[fd].known) {
      described[fd].known = 0;
      fprintf(out, "{\"kind\":\"close\",\"fd\":%ld}\n", fd);
    }
    return;
  }
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
  d->known = 1, d->dev = st.st_dev, d->ino = st.st_ino, d->mode = mode, d->size = st.st_size;
  d->shmem = 0, d->seals = 0;
  fprintf(out, "{\"kind\":\"open\",\"fd\":%ld,\"path\":", fd);
  json_str(target);
  emit_dev_inode(st.st_dev, st.st_ino);
  fprintf(out, ",\"size\":\"0x%llx\",\"mode\":\"%s\"", (unsigned long long)st.st_size,
          mode == O_RDONLY ? "r" : mode == O_WRONLY ? "w" : "rw");
  if (twin >= 0) fprintf(out, ",\"same_as\":%ld", twin);
  /* What the inode is when not a regular file: its driver decides what mmap does (see FORMAT.md). */
  const char *type = S_ISDIR(st.st_mode)    ? "dir"
                     : S_ISCHR(st.st_mode)  ? "chr"
                     : S_ISBLK(st.st_mode)  ? "blk"
                     : S_ISFIFO(st.st_mode) ? "fifo"
                     : S_ISSOCK(st.st_mode) ? "sock"
                                            : 0;
  if (type) fprintf(out, ",\"type\":\"%s\"", type);
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
    fprintf(out, ",\"rdev\":\"%02x:%02x\"", major(st.st_rdev), minor(st.st_rdev));
  if (statfs(link, &sf) == 0) {
    /* devtmpfs says TMPFS_MAGIC too, but a device node there is no shmem file: only regular files count. */
    if (S_ISREG(st.st_mode) && (sf.f_type == TMPFS_MAGIC || sf.f_type == HUGETLBFS_MAGIC)) {
      fprintf(out, ",\"fs\":\"%s\"", sf.f_type == TMPFS_MAGIC ? "tmpfs" : "hugetlbfs");
      d->shmem = 1;
      d->seals = file_seals(pid, fd);
      if (d->seals) fprintf(out, ",\"seals\":%d", d->seals);
      /* A hugetlbfs file's block size is its huge page size. */
      if (sf.f_type == HUGETLBFS_MAGIC) fprintf(out, ",\"huge_page_size\":%llu", (unsigned long long)sf.f_bsize);
    }
    if (sf.f_flags & ST_NOEXEC) fputs(",\"noexec\":true", out);
  }
  fputs("}\n", out);
}


/*
 * Before a call: a `size` record for each described file whose size changed since it was described (a write
 * or ftruncate grew or shrank it; mlock and MADV_POPULATE cannot fault a page in past the end).
 */
void check_sizes(pid_t pid) {
  for (long fd = 0; fd < n_described; fd++) {
    struct described *d = &described[fd];
    char link[64];
    struct stat st;
    if (!d->known) continue;
    snprintf(link, sizeof link, "/proc/%d/fd/%ld", pid, fd);
    if (stat(link, &st) != 0 || st.st_dev != d->dev || st.st_ino != d->ino || st.st_size == d->size) continue;
    fprintf(out, "{\"kind\":\"size\"");
    emit_dev_inode(st.st_dev, st.st_ino);
    fprintf(out, ",\"size\":\"0x%llx\"}\n", (unsigned long long)st.st_size);
    for (long k = fd; k < n_described; k++) /* other descriptors of the file know it now too */
      if (described[k].known && described[k].dev == d->dev && described[k].ino == d->ino)
        described[k].size = st.st_size;
  }
}

/*
 * Before a call: a `seals` record for each described memfd whose seals changed since it was described (the
 * write seals make a shared writable mmap EPERM and a shared read-only one lose VM_MAYWRITE).
 */
void check_seals(pid_t pid) {
  for (long fd = 0; fd < n_described; fd++) {
    struct described *d = &described[fd];
    if (!d->known || !d->shmem) continue;
    int seals = file_seals(pid, fd);
    if (seals == d->seals) continue;
    fprintf(out, "{\"kind\":\"seals\"");
    emit_dev_inode(d->dev, d->ino);
    fprintf(out, ",\"seals\":%d}\n", seals);
    for (long k = fd; k < n_described; k++) /* the seals are the inode's: its other descriptors have them too */
      if (described[k].known && described[k].dev == d->dev && described[k].ino == d->ino) described[k].seals = seals;
  }
}

/* The effective uid and gid of pid (from /proc/PID/status), -1 when unreadable. */
static void ids(pid_t pid, long *euid, long *egid) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  *euid = *egid = -1;
  FILE *f = fopen(path, "r");
  if (!f) return;
  while (fgets(line, sizeof line, f)) {
    long r, e;
    if (sscanf(line, "Uid: %ld %ld", &r, &e) == 2) *euid = e;
    if (sscanf(line, "Gid: %ld %ld", &r, &e) == 2) *egid = e;
  }
  fclose(f);
}

/*
 * Before a shmat is logged: a `shm` record for System V segment shmid, if it exists (/proc/sysvipc/shm):
 * its key (the maps name is /SYSV<key> (deleted)), its size, and the access its permissions give the
 * program (ipcperms: the owner's or creator's bits, else the group's, else the others'; no capabilities).
 */
void emit_shm(pid_t pid, long shmid) {
  FILE *f = fopen("/proc/sysvipc/shm", "r");
  if (!f) return;
  char line[512];
  long euid, egid;
  ids(pid, &euid, &egid);
  while (fgets(line, sizeof line, f)) {
    long long key;
    long id, uid, gid, cuid, cgid, cpid, lpid, nattch;
    unsigned perms;
    unsigned long long size;
    if (sscanf(line, "%lld %ld %o %llu %ld %ld %ld %ld %ld %ld %ld", &key, &id, &perms, &size, &cpid, &lpid, &nattch,
               &uid, &gid, &cuid, &cgid) != 11 || id != shmid)
      continue;
    unsigned granted = euid == uid || euid == cuid ? perms >> 6 : egid == gid || egid == cgid ? perms >> 3 : perms;
    fprintf(out, "{\"kind\":\"shm\",\"id\":%ld,\"key\":\"0x%08x\",\"size\":\"0x%llx\",\"access\":\"%s%s%s\"}\n", id,
            (unsigned)key, size, granted & 4 ? "r" : "", granted & 2 ? "w" : "", granted & 1 ? "x" : "");
    break;
  }
  fclose(f);
}

/* A new history (after a later exec): every descriptor and name is described again when next mapped. */
void files_reset(void) {
  for (long fd = 0; fd < n_described; fd++) {
    free(described[fd].path);
    described[fd].path = 0;
    described[fd].known = 0;
  }
  for (size_t k = 0; k < n_names; k++) free(names[k].path);
  n_names = 0;
}
