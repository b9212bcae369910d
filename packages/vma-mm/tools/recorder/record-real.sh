#!/bin/sh
# record-real.sh - build vmrun and record a real program's address-space
# history (vmtrace/1, gzipped), randomisation off, from its execve to its exit.
# MIT licence, part of @maple-tree/vma-mm.
#
#   record-real.sh [--legacy] NAME OUT.jsonl.gz -- PROGRAM [ARGS...]
#
# As record.sh does, a root caller records as user nobody without
# capabilities, and CONFIG_LSM_MMAP_MIN_ADDR goes into the header. The
# program's own output is discarded; its exit status is reported.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
legacy=""
if [ "${1:-}" = "--legacy" ]; then legacy="-L"; shift; fi
[ $# -ge 4 ] && [ "$3" = "--" ] || {
  echo "usage: record-real.sh [--legacy] NAME OUT.jsonl.gz -- PROGRAM [ARGS...]" >&2
  exit 2
}
name=$1
out=$2
shift 3
# The program runs in a scratch directory: a path relative to here is made absolute first.
prog=$1
shift
case "$prog" in
  /*) ;;
  */*) prog="$(cd "$(dirname "$prog")" && pwd)/$(basename "$prog")" ;;
esac
set -- "$prog" "$@"

work=$(mktemp -d /tmp/vmrun.XXXXXX)
trap 'rm -rf "$work"' EXIT
gcc -O2 -std=gnu11 -Wall -Wextra -Werror -o "$work/vmrun" \
  "$here/vmrun.c" "$here/vmrun-calls.c" "$here/vmrun-files.c" "$here/vmrun-faults.c"
lsm=""
if [ -r /proc/config.gz ]; then
  lsm=$(zcat /proc/config.gz | sed -n 's/^CONFIG_LSM_MMAP_MIN_ADDR=//p')
elif [ -r "/boot/config-$(uname -r)" ]; then
  lsm=$(sed -n 's/^CONFIG_LSM_MMAP_MIN_ADDR=//p' "/boot/config-$(uname -r)")
fi
chmod 755 "$work" "$work/vmrun"
mkdir "$work/out"
chmod 777 "$work/out"
as_user=""
if [ "$(id -u)" = 0 ]; then
  as_user="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all --"
fi
status=0
# shellcheck disable=SC2086 # $as_user and $legacy are word lists on purpose
(cd "$work/out" && VMRUN_LSM_MIN_ADDR="$lsm" $as_user "$work/vmrun" $legacy -o "$work/out/trace.jsonl" -n "$name" \
  -- "$@" > /dev/null 2>&1) || status=$?
if ! head -n 1 "$work/out/trace.jsonl" 2>/dev/null | grep -q '"kind":"header"'; then
  echo "record-real.sh: $1 did not start (status $status); nothing written" >&2
  exit 1
fi
gzip -9 -n -c "$work/out/trace.jsonl" > "$out"
echo "record-real.sh: $name exited $status, $(grep -c '"kind":"op"' "$work/out/trace.jsonl") ops -> $out ($(wc -c < "$out") bytes)"
