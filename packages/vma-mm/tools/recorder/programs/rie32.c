/*
 * rie32.c - a test program for record-real.sh: READ_IMPLIES_EXEC. An ia32
 * program whose ELF header has no PT_GNU_STACK gets that personality at exec
 * (elf_read_implies_exec): PROT_READ implies PROT_EXEC in mmap and in
 * mprotect (where VM_MAYEXEC allows it), and the heap is executable; vmrun
 * writes the personality in the header. A noexec mapping stays so (not
 * tested here: /tmp is not noexec). MIT licence, part of @maple-tree/vma-mm.
 * rec-real-rie32 was recorded as
 *
 *   gcc -m32 -O0 -Wall -o rie32 rie32.c
 *   python3 -c 'import struct,sys; b=bytearray(open(sys.argv[1],"rb").read()); o,s,n=struct.unpack_from("<I",b,28)[0],*struct.unpack_from("<HH",b,42); [struct.pack_into("<I",b,o+i*s,0) for i in range(n) if struct.unpack_from("<I",b,o+i*s)[0]==0x6474e551]; open(sys.argv[1],"wb").write(b)' rie32
 *   record-real.sh rie32 rec-real-rie32.jsonl.gz -- ./rie32
 *
 * (the python line turns the PT_GNU_STACK program header into PT_NULL).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#define PG 4096L

int main(void) {
  char *a = mmap(0, 64 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); /* room for what follows */
  munmap(a, 64 * PG);
  mmap(a, 8 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0); /* r-x */
  mmap(a + 8 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0); /* rwx */
  mmap(a + 12 * PG, 4 * PG, PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0); /* -w-: no read */
  mmap(a + 16 * PG, 4 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  mprotect(a + 16 * PG, PG, PROT_READ); /* r-x */
  mprotect(a + 17 * PG, PG, PROT_READ | PROT_WRITE); /* rwx, merges? */
  mprotect(a, 2 * PG, PROT_NONE);
  mprotect(a + 12 * PG, 4 * PG, PROT_READ | PROT_WRITE); /* rwx: merges with the rwx before it */
  int fd = open("/proc/self/exe", O_RDONLY);
  char *f = mmap(0, PG, PROT_READ, MAP_PRIVATE, fd, 0); /* r-x */
  mprotect(f, PG, PROT_READ | PROT_WRITE);
  char *s = mmap(0, PG, PROT_READ, MAP_SHARED, fd, 0); /* r-x, read-only fd: no VM_MAYWRITE */
  mprotect(s, PG, PROT_READ);
  void *b = sbrk(0); /* the heap is executable: rwx */
  sbrk(16 * PG);
  sbrk(-8 * PG);
  (void)b;
  return 0;
}
