#!/bin/sh
# record.sh - build the vmtrace recorder and record one address-space history
# (vmtrace/1, gzipped) with address-space randomisation off.
# MIT licence, part of @maple-tree/vma-mm.
#
#   record.sh [--m32] [--legacy] --seed N --profile mixed|extra|near|limit|heap|edge|flags|wide|advise|seal \
#             --ops N [--every K] OUT.jsonl.gz
#
#   --m32     build a 32-bit (ia32 compat) driver (needs gcc-multilib)
#   --legacy  run with the legacy bottom-up mmap layout (setarch -L)
#
# The driver is built (gcc -O2, dynamically linked PIE like an ordinary
# program, symbols bound at load time so no lazy binding happens later) into a
# fresh temporary directory, which also holds its data files; the directory is
# removed afterwards. The temporary path appears in the recorded maps.
#
# Run as root, the driver still records as an ordinary process: it runs as
# user nobody with no capabilities (CAP_SYS_RAWIO would let MAP_FIXED go
# below vm.mmap_min_addr). The kernel's CONFIG_LSM_MMAP_MIN_ADDR, read from
# /proc/config.gz or /boot/config-*, goes into the header: the kernel's own
# mmap_min_addr is the larger of it and the sysctl.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
m32=""
legacy=""
args=""
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --m32) m32="-m32"; shift ;;
    --legacy) legacy="-L"; shift ;;
    --seed|--profile|--ops|--every)
      [ $# -ge 2 ] || { echo "record.sh: $1 needs a value" >&2; exit 2; }
      args="$args $1 $2"; shift 2 ;;
    -*) echo "record.sh: unknown option $1" >&2; exit 2 ;;
    *) [ -z "$out" ] || { echo "record.sh: one output file only" >&2; exit 2; }; out="$1"; shift ;;
  esac
done
[ -n "$out" ] || { echo "usage: record.sh [--m32] [--legacy] --seed N --profile P --ops N [--every K] OUT.jsonl.gz" >&2; exit 2; }

work=$(mktemp -d /tmp/vmtrace.XXXXXX)
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2086 # $m32 is empty or one flag
gcc $m32 -O2 -std=gnu11 -Wall -Wextra -Werror -Wl,-z,now -o "$work/vmtrace" \
  "$here/vmtrace.c" "$here/out.c" "$here/procfs.c" "$here/track.c" "$here/gen.c" "$here/gen-near.c" "$here/gen-edge.c" "$here/gen-wide.c" "$here/gen-advise.c" "$here/gen-seal.c"
lsm=""
if [ -r /proc/config.gz ]; then
  lsm=$(zcat /proc/config.gz | sed -n 's/^CONFIG_LSM_MMAP_MIN_ADDR=//p')
elif [ -r "/boot/config-$(uname -r)" ]; then
  lsm=$(sed -n 's/^CONFIG_LSM_MMAP_MIN_ADDR=//p' "/boot/config-$(uname -r)")
fi
[ -z "$lsm" ] || args="$args --lsm-min-addr $lsm"
mkdir "$work/data"
chmod 755 "$work" "$work/vmtrace"
chmod 777 "$work/data"
as_user=""
if [ "$(id -u)" = 0 ]; then
  as_user="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all --"
fi
# shellcheck disable=SC2086 # $as_user, $legacy and $args are word lists on purpose
(cd "$work/data" && $as_user setarch "$(uname -m)" -R $legacy "$work/vmtrace" $args --dir "$work/data") \
  > "$work/trace.jsonl"
gzip -9 -n -c "$work/trace.jsonl" > "$out"
echo "record.sh: $(grep -c '"kind":"op"' "$work/trace.jsonl") ops -> $out ($(wc -c < "$out") bytes)"
