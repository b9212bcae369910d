/**
 * One `op` record of a vmtrace/1 history (fixtures/traces/FORMAT.md) as the
 * system call it records, applied to an AddressSpace: flag names (with or
 * without their MAP_ / MREMAP_ prefix, MAP_HUGE_<n>KB/MB/GB), hex numbers,
 * `prot` and `prot_raw`, the fd table for file mappings, and the raw
 * arguments of madvise, the mlock family and of mmap_raw / mremap_raw (an
 * mmap or mremap whose flags had a bit with no name; our recorder's hex
 * registers or strace's form, raw-args.ts). Only calls that change the layout are
 * applied; the others are skipped (undefined). The replayer (replayer.ts)
 * calls it for every op.
 */
import type { AddressSpace } from './address-space.js';
import { MADV, MADV_GUARD, MADV_PAGE, MADV_POPULATE, madviseModelled } from './madvise.js';
import { MCL, MLOCK_ONFAULT } from './mlock.js';
import { type ArgNames, rawArg, rawArgs } from './raw-args.js';
import type { ShmSegment } from './shm.js';
import { hexValue, TraceFormatError } from './trace.js';
import { MAP, type MappedFile, MREMAP, PROT, parseProt } from './vma.js';

/** mmap flag names (MAP_FILE is no bit at all); MAP_HUGE_<size> is decoded by hugeFlag. */
const MAP_FLAGS: ArgNames = { prefix: 'MAP_', values: { ...MAP, FILE: 0 } };
const MREMAP_FLAGS: ArgNames = { prefix: 'MREMAP_', values: MREMAP };

/** MAP_HUGE_2MB and friends: log2 of the huge page size at bit 26 (MAP_HUGE_SHIFT). */
const HUGE_SIZE = /^HUGE_([0-9]+)(KB|MB|GB)$/;
const HUGE_UNIT: Record<string, number> = { KB: 10, MB: 20, GB: 30 };

/** The bits of a MAP_HUGE_<size> name (without its prefix), or undefined. */
function hugeFlag(name: string): number | undefined {
  const huge = HUGE_SIZE.exec(name);
  const size = huge ? Math.log2(Number(huge[1])) + (HUGE_UNIT[huge[2] as string] as number) : Number.NaN;
  return Number.isInteger(size) ? size << 26 : undefined;
}

/**
 * The bits of a list of flag names, each with or without the table's prefix; `more` decodes names
 * the table does not hold.
 * @throws TraceFormatError for a name neither knows
 */
function flagBits(
  names: unknown,
  table: ArgNames,
  what: string,
  line: number,
  more: (name: string) => number | undefined = () => undefined,
): number {
  if (!Array.isArray(names)) throw new TraceFormatError(`${what} must be a list of names`, line);
  let bits = 0;
  for (const raw of names) {
    const name = String(raw);
    const n = name.startsWith(table.prefix) ? name.slice(table.prefix.length) : name;
    const b = Object.hasOwn(table.values, n) ? table.values[n] : more(n);
    if (b === undefined) throw new TraceFormatError(`unknown ${what} "${name}"`, line);
    bits |= b;
  }
  return bits;
}

/** Names strace prints for the raw arguments decoded below (raw-args.ts). */
const MADV_NAMES: ArgNames = {
  prefix: 'MADV_',
  values: {
    ...MADV,
    ...MADV_PAGE,
    GUARD_INSTALL: MADV_GUARD.INSTALL,
    GUARD_REMOVE: MADV_GUARD.REMOVE,
    POPULATE_READ: MADV_POPULATE.READ,
    POPULATE_WRITE: MADV_POPULATE.WRITE,
  },
};
const MCL_NAMES: ArgNames = { prefix: 'MCL_', values: MCL };
const PROT_NAMES: ArgNames = { prefix: 'PROT_', values: PROT };
const MLOCK_NAMES: ArgNames = { prefix: 'MLOCK_', values: { ONFAULT: MLOCK_ONFAULT } };

/**
 * Applies one op record to `mm` as the system call it records (the strace
 * decoding of FORMAT.md: flag names, hex arguments, the fd table).
 * @param mm - the address space
 * @param record - the op record
 * @param files - the files opened so far, by fd
 * @param line - the record's line, for errors
 * @param segments - the System V shared memory segments described so far, by id (for shmat)
 * @returns the call's answer (address, 0 or -errno), or undefined for a call that does not change the layout
 * @throws TraceFormatError on an unknown flag, an fd never opened, or a number that does not parse
 */
export function applyTraceOp(
  mm: AddressSpace,
  record: { op: string; i?: number; [key: string]: unknown },
  files: ReadonlyMap<number, MappedFile>,
  line: number,
  segments: ReadonlyMap<number, ShmSegment> = new Map(),
): number | undefined {
  try {
    return applyOp(mm, record, files, line, segments);
  } catch (e) {
    if (e instanceof SyntaxError)
      throw new TraceFormatError(`bad number in op ${String(record.i)}: ${e.message}`, line);
    throw e;
  }
}

/**
 * An op's `prot`: the bits of its "rwx" text, or `prot_raw` (the whole value) when the call passed
 * bits the text cannot show (PROT_SEM, PROT_GROWSDOWN, PROT_GROWSUP, unknown ones).
 * @throws TraceFormatError when prot_raw's read/write/exec bits are not the text's
 */
function protArg(r: { [key: string]: unknown }, line: number): number {
  const text = parseProt(String(r.prot));
  if (r.prot_raw === undefined) return text;
  // BigInt keeps the low bits of values past 2^53 (a SyntaxError for a bad number is reported by the caller).
  if (typeof r.prot_raw !== 'string' || Number(BigInt(r.prot_raw) & 7n) !== text)
    throw new TraceFormatError(
      `prot_raw ${String(r.prot_raw)} does not match prot "${String(r.prot)}"`,
      line,
    );
  return hexValue(r.prot_raw);
}

/**
 * The open file an mmap maps: none for MAP_ANONYMOUS, else what `fd` names (null for an fd no record
 * names: the kernel's EBADF).
 * @throws TraceFormatError when no record names `fd` but the trace says the call succeeded (a record is missing)
 */
function mappedFile(
  flags: number,
  fd: number,
  files: ReadonlyMap<number, MappedFile>,
  r: { [key: string]: unknown },
  line: number,
): MappedFile | null {
  if (flags & MAP.ANONYMOUS) return null;
  const file = files.get(fd) ?? null;
  if (!file && fd >= 0 && r.err === undefined) throw new TraceFormatError(`fd ${fd} was never opened`, line);
  return file;
}

/** A raw int argument (an fd, a key, an id, shmat flags) as the kernel reads it: the low 32 bits, signed; undefined when it does not decode. */
function rawInt(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v | 0 : undefined;
  if (typeof v !== 'string' || !/^(0[xX][0-9a-fA-F]+|-?[0-9]+)$/.test(v.trim())) return undefined;
  return Number(BigInt.asIntN(32, BigInt(v.trim())));
}

/** The raw argument list of an op record (empty when it has none). */
function argList(r: { [key: string]: unknown }): unknown[] {
  return Array.isArray(r.args) ? r.args : [];
}

/**
 * shmat from its raw id, address and flags (the shmat call's, or those ia32's ipc passes on); an id no
 * `shm` record described is the kernel's EINVAL (shmat answers for an undefined segment).
 * @returns the answer, or undefined when an argument does not decode
 */
function shmatRaw(
  mm: AddressSpace,
  segments: ReadonlyMap<number, ShmSegment>,
  idArg: unknown,
  addrArg: unknown,
  flagsArg: unknown,
): number | undefined {
  const id = rawInt(idArg);
  const addr = rawArg(addrArg);
  const flags = rawInt(flagsArg);
  if (id === undefined || flags === undefined || Number.isNaN(addr)) return undefined;
  return mm.shmat(id < 0 ? undefined : segments.get(id), addr, flags);
}

/** SHMAT and SHMDT, the ipc multiplexer's calls (ia32) that change the layout. */
const IPC_SHMAT = 21;
const IPC_SHMDT = 22;

function applyOp(
  mm: AddressSpace,
  r: { op: string; [key: string]: unknown },
  files: ReadonlyMap<number, MappedFile>,
  line: number,
  segments: ReadonlyMap<number, ShmSegment>,
): number | undefined {
  const hex = hexValue;
  switch (r.op) {
    case 'mmap': {
      const flags = flagBits(r.flags, MAP_FLAGS, 'mmap flag', line, hugeFlag);
      const file = mappedFile(flags, Number(r.fd), files, r, line);
      return mm.mmap(hex(r.addr), hex(r.len), protArg(r, line), flags, file, hex(r.off ?? '0x0'));
    }
    // An mmap or mremap whose flags have a bit with no name, logged with its six (five) registers: the
    // kernel ignores such bits (MAP_SHARED_VALIDATE and mremap refuse them), so the call still counts.
    case 'mmap_raw': {
      const args = argList(r);
      const a = rawArgs([args[0], args[1], args[2], args[3], args[5]], 5);
      const fd = rawInt(args[4]); // strace prints it signed (-1)
      if (!a || fd === undefined) return undefined;
      const [addr, len, prot, flags, off] = a as [number, number, number, number, number];
      return mm.mmap(addr, len, prot, flags, mappedFile(flags, fd, files, r, line), off);
    }
    case 'mremap_raw': {
      const a = rawArgs(r.args, 5);
      return a
        ? mm.mremap(a[0] as number, a[1] as number, a[2] as number, a[3] as number, a[4] as number)
        : undefined;
    }
    case 'munmap':
      return mm.munmap(hex(r.addr), hex(r.len));
    case 'mprotect':
      return mm.mprotect(hex(r.addr), hex(r.len), protArg(r, line));
    case 'mremap':
      return mm.mremap(
        hex(r.addr),
        hex(r.old_len),
        hex(r.new_len),
        flagBits(r.flags, MREMAP_FLAGS, 'mremap flag', line),
        hex(r.new_addr ?? '0x0'),
      );
    case 'brk':
      return mm.brk(hex(r.addr));
    // Recorded with raw arguments (raw-args.ts): hex registers, or strace's decimal and symbolic
    // form. A record whose arguments do not decode is skipped, as FORMAT.md allows for these calls.
    case 'mlock':
    case 'munlock': {
      const a = rawArgs(r.args, 2);
      if (!a) return undefined;
      return r.op === 'mlock'
        ? mm.mlock(a[0] as number, a[1] as number)
        : mm.munlock(a[0] as number, a[1] as number);
    }
    case 'mlock2': {
      const a = rawArgs(r.args, 3, [undefined, undefined, MLOCK_NAMES]);
      return a ? mm.mlock2(a[0] as number, a[1] as number, a[2] as number) : undefined;
    }
    case 'mlockall': {
      const a = rawArgs(r.args, 1, [MCL_NAMES]);
      return a ? mm.mlockall(a[0] as number) : undefined;
    }
    case 'munlockall':
      return mm.munlockall();
    case 'pkey_mprotect': {
      // Key -1 is mprotect; which other keys the program had allocated (pkey_alloc) is not recorded.
      const args = argList(r);
      const a = rawArgs(args, 3, [undefined, undefined, PROT_NAMES]);
      return a && rawInt(args[3]) === -1
        ? mm.pkeyMprotect(a[0] as number, a[1] as number, a[2] as number, -1)
        : undefined;
    }
    case 'shmat': {
      const args = argList(r);
      return shmatRaw(mm, segments, args[0], args[1], args[2]);
    }
    case 'shmdt': {
      const a = rawArgs(r.args, 1);
      return a ? mm.shmdt(a[0] as number) : undefined;
    }
    // ia32's ipc(call, first, second, third, ptr): SHMAT (id, flags, &result, addr) returns 0 and stores
    // the address; SHMDT (addr in ptr). Other calls (semaphores, messages) leave the layout alone.
    case 'ipc': {
      const args = argList(r);
      const call = rawArg(args[0]);
      if (call === IPC_SHMDT) {
        const addr = rawArg(args[4]);
        return Number.isNaN(addr) ? undefined : mm.shmdt(addr);
      }
      if (call !== IPC_SHMAT) return undefined;
      const got = shmatRaw(mm, segments, args[1], args[4], args[2]);
      return got === undefined ? undefined : Math.min(got, 0); // the address went to user memory
    }
    case 'remap_file_pages': {
      const a = rawArgs(r.args, 5);
      return a
        ? mm.remapFilePages(a[0] as number, a[1] as number, a[2] as number, a[3] as number, a[4] as number)
        : undefined;
    }
    case 'mseal': {
      const a = rawArgs(r.args, 3);
      return a ? mm.mseal(a[0] as number, a[1] as number, a[2] as number) : undefined;
    }
    case 'madvise': {
      // Only advice that changes VMA flags, the guard advice and populating (an install or a write fault
      // gives memory its anon_vma) is applied; other page-level advice leaves the layout as it is.
      const a = rawArgs(r.args, 3, [undefined, undefined, MADV_NAMES]);
      if (!a || !madviseModelled(a[2] as number)) return undefined;
      return mm.madvise(a[0] as number, a[1] as number, a[2] as number);
    }
    default:
      return undefined;
  }
}
