#!/usr/bin/env bash
# Builds the kernel oracle (oracle.c) against a Linux kernel tree, the way the
# kernel's tools/testing/radix-tree builds lib/maple_tree.c in userspace, into
# a directory under /tmp. Needs a C compiler and liburcu (Debian: liburcu-dev).
#
#   build.sh KERNEL_TREE [--tools TREE] [--out DIR] [--asan]
#
# KERNEL_TREE gives lib/maple_tree.c, include/ and tools/testing/shared. The
# userspace shims under tools/include, tools/lib and tools/arch come from the same tree,
# or from TREE when --tools names one (for a trimmed tree that lacks them,
# e.g. a tree of the same version unpacked from Debian's linux-source-6.12).
# DIR defaults to /tmp/kernel-oracle; the binary is DIR/oracle, and the path
# is printed on the last line. --asan builds with AddressSanitizer and
# UBSan, as the kernel's own userspace tests are built (slower).
set -euo pipefail

usage() {
  echo "usage: $0 KERNEL_TREE [--tools TREE] [--out DIR] [--asan]" >&2
  exit 2
}

[[ $# -ge 1 ]] || usage
kernel=$(cd "$1" && pwd)
shift
tools=$kernel
out=/tmp/kernel-oracle
sanitize=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --tools) [[ $# -ge 2 ]] || usage; tools=$(cd "$2" && pwd); shift 2 ;;
    --out) [[ $# -ge 2 ]] || usage; out=$2; shift 2 ;;
    --asan) sanitize=(-fsanitize=address -fsanitize=undefined); shift ;;
    *) usage ;;
  esac
done

for need in "$kernel/lib/maple_tree.c" "$kernel/include/linux/maple_tree.h"; do
  [[ -f $need ]] || { echo "$0: $need not found: is $kernel a kernel tree?" >&2; exit 1; }
done
for need in tools/include tools/lib tools/arch; do
  [[ -d $tools/$need ]] || {
    echo "$0: $tools/$need not found; pass --tools with a full tree of the same version" >&2
    exit 1
  }
done
shared=$kernel/tools/testing/shared
[[ -d $shared ]] || shared=$tools/tools/testing/shared
[[ -f $shared/linux.c ]] || { echo "$0: no tools/testing/shared in either tree" >&2; exit 1; }
echo "#include <urcu.h>" | ${CC:-cc} -E -x c - >/dev/null 2>&1 || { echo "$0: liburcu headers missing (apt-get install liburcu-dev)" >&2; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
# A staging tree with the layout the shims' relative #includes expect
# (tools/testing/shared/linux/*.h reach ../../../../include): the small parts
# are copied, the kernel's include/ and lib/ are linked.
tree=$out/tree
rm -rf "$tree"
mkdir -p "$tree/tools/testing" "$out/generated"
ln -s "$kernel/include" "$tree/include"
ln -s "$kernel/lib" "$tree/lib"
cp -r "$tools/tools/include" "$tools/tools/lib" "$tools/tools/arch" "$tree/tools/"
cp -r "$shared" "$tree/tools/testing/shared"
cp "$tree/tools/testing/shared/autoconf.h" "$out/generated/autoconf.h"
echo "#define XA_CHUNK_SHIFT 6" > "$out/generated/map-shift.h"
echo "#define CONFIG_$(getconf LONG_BIT)BIT 1" > "$out/generated/bit-length.h"

# autoconf.h first, as the kernel's own maple test gets it through test.h:
# without CONFIG_64BIT in force when linux/maple_tree.h is read, the nodes
# take the 32-bit layout (63 slots) instead of the x86_64 kernel's 16 / 10.
cflags=(
  -O2 -g -w -D_LGPL_SOURCE -include generated/autoconf.h "${sanitize[@]}" ${CFLAGS:-}
  -I"$out" -I"$tree/tools/testing/shared" -I"$tree/tools/include" -I"$tree/lib"
)
cd "$out"
${CC:-cc} "${cflags[@]}" -c "$here/oracle.c" -o oracle.o
${CC:-cc} "${cflags[@]}" -c "$tree/tools/testing/shared/linux.c" -o linux.o
${CC:-cc} "${cflags[@]}" -c "$tree/tools/lib/slab.c" -o slab.o
${CC:-cc} "${sanitize[@]}" -o oracle oracle.o linux.o slab.o -lpthread -lurcu
echo "$out/oracle"
