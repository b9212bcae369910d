/**
 * /proc/PID/maps (fs/proc/task_mmu.c show_map_vma): printing the VMAs the
 * way the kernel does, and reading such text back as a starting layout.
 *
 *   start-end         perms offset   dev   inode                      name
 *   7ffff7dd5000-7ffff7dfb000 r--p 00000000 fe:00 339380          /usr/lib/libc.so.6
 *
 * Start and end print with at least 8 hex digits, the offset with 8, and a
 * name starts in column 74 (the header is padded to 73 characters).
 */
import type { MmCore } from './mm.js';
import {
  type MappedFile,
  parseProt,
  protToVmFlags,
  VM_ACCOUNT,
  VM_DONTDUMP,
  VM_DONTEXPAND,
  VM_EXEC,
  VM_GROWSDOWN,
  VM_IO,
  VM_MAYEXEC,
  VM_MAYREAD,
  VM_MAYSHARE,
  VM_MAYWRITE,
  VM_PFNMAP,
  VM_READ,
  VM_SHARED,
  VM_WRITE,
  Vma,
} from './vma.js';

/** Width the kernel pads the line to before the name (25 + 6 * sizeof(long) - 1). */
const NAME_COLUMN = 73;

function hexPage(page: number, pageSize: number): string {
  if (pageSize === 4096) return page === 0 ? '0' : `${page.toString(16)}000`;
  return (BigInt(page) * BigInt(pageSize)).toString(16);
}

/** The name column of a VMA (get_vma_name). */
export function vmaName(mm: MmCore, vma: Vma): string | null {
  if (vma.file) return vma.file.path;
  if (vma.name !== null) return vma.name;
  const ps = mm.pageSize;
  if (vma.startPage * ps < mm.brkValue && vma.endPage * ps > mm.startBrk) return '[heap]';
  if (vma.startPage * ps <= mm.startStack && vma.endPage * ps >= mm.startStack) return '[stack]';
  return null;
}

/** One maps line for `vma` (show_map_vma). */
export function formatVma(mm: MmCore, vma: Vma): string {
  const ps = mm.pageSize;
  const f = vma.flags;
  const perms = `${f & VM_READ ? 'r' : '-'}${f & VM_WRITE ? 'w' : '-'}${f & VM_EXEC ? 'x' : '-'}${f & VM_MAYSHARE ? 's' : 'p'}`;
  const offset = vma.file ? hexPage(vma.pgoff, ps) : '0';
  const dev = vma.file ? vma.file.dev : '00:00';
  const inode = vma.file ? vma.file.inode : 0;
  const head = `${hexPage(vma.startPage, ps).padStart(8, '0')}-${hexPage(vma.endPage, ps).padStart(8, '0')} ${perms} ${offset.padStart(8, '0')} ${dev} ${inode} `;
  const name = vmaName(mm, vma);
  if (name === null) return head.trimEnd();
  return `${head.padEnd(NAME_COLUMN, ' ')}${name}`;
}

/** The whole /proc/PID/maps text (each line ends with a newline). */
export function formatMaps(mm: MmCore): string {
  let out = '';
  for (const vma of mm.index.range(0, Number.MAX_SAFE_INTEGER)) out += `${formatVma(mm, vma)}\n`;
  if (mm.gate) out += `${formatVma(mm, mm.gate)}\n`;
  return out;
}

/** One parsed maps line. */
export interface MapsLine {
  start: bigint;
  end: bigint;
  perms: string;
  offset: bigint;
  dev: string;
  inode: number;
  name: string;
}

const LINE =
  /^([0-9a-f]+)-([0-9a-f]+)\s+([r-][w-][x-][ps])\s+([0-9a-f]+)\s+([0-9a-f]+:[0-9a-f]+)\s+(\d+)\s*(.*)$/;

/**
 * Parse one maps line.
 * @throws SyntaxError naming the line when it is not in the kernel's format
 */
export function parseMapsLine(line: string): MapsLine {
  const m = LINE.exec(line.trim());
  if (!m) throw new SyntaxError(`not a /proc/PID/maps line: "${line}"`);
  return {
    start: BigInt(`0x${m[1]}`),
    end: BigInt(`0x${m[2]}`),
    perms: m[3]!,
    offset: BigInt(`0x${m[4]}`),
    dev: m[5]!,
    inode: Number(m[6]),
    name: m[7]!.trimEnd(),
  };
}

/** Options for reading a starting layout from maps text. */
export interface FromMapsOptions {
  /** Files by `dev:inode` (or by path) to reuse as the mapped objects. */
  files?: Map<string, MappedFile>;
  /** mm->start_brk; when absent, taken from a `[heap]` line (and brk from its end). */
  startBrk?: number;
  /** mm->start_stack; when absent, taken from the `[stack]` line. */
  startStack?: number;
}

/**
 * Populate `mm` with the VMAs of a maps snapshot. Hidden state is chosen the
 * way a process that got there would have it: writable private memory is
 * accounted and has been touched (its own anon_vma), `[stack]` grows down,
 * bracketed names other than heap/stack are special mappings, `[vsyscall]`
 * is the gate area, and one file object stands for each dev:inode.
 * @throws SyntaxError for malformed lines, RangeError for overlaps or misalignment
 */
export function loadMaps(mm: MmCore, text: string, options: FromMapsOptions = {}): void {
  const ps = BigInt(mm.pageSize);
  const files = options.files ?? new Map<string, MappedFile>();
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  let prevEnd = -1;
  for (const raw of lines) {
    const l = parseMapsLine(raw);
    if (l.start % ps || l.end % ps || l.offset % ps || l.end <= l.start) {
      throw new RangeError(`maps line not page aligned or empty: "${raw}"`);
    }
    const start = Number(l.start / ps);
    const end = Number(l.end / ps);
    const prot = parseProt(l.perms.slice(0, 3));
    const shared = l.perms[3] === 's';
    let flags = protToVmFlags(prot) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
    if (shared) flags |= VM_SHARED | VM_MAYSHARE;
    const isBracket = l.name.startsWith('[') && l.name.endsWith(']');
    // Without explicit values, the labels tell where the heap and stack are.
    if (l.name === '[heap]' && options.startBrk === undefined) {
      mm.startBrk = Number(l.start);
      mm.brkValue = Number(l.end);
    }
    if (l.name === '[stack]' && options.startStack === undefined) mm.startStack = Number(l.end) - mm.pageSize;
    if (l.name === '[vsyscall]') {
      mm.gate = new Vma(mm.pageSize, start, end, flags | VM_DONTEXPAND, 0, null, 0, l.name, true);
      continue;
    }
    if (end > mm.taskPages) throw new RangeError(`maps line past TASK_SIZE of ${mm.arch.name}: "${raw}"`);
    if (start < prevEnd) throw new RangeError(`maps lines overlap or are out of order at "${raw}"`);
    prevEnd = end;
    let vma: Vma;
    if (isBracket && l.name !== '[heap]' && l.name !== '[stack]' && !l.name.startsWith('[anon:')) {
      // _install_special_mapping adds VM_DONTEXPAND. The vDSO data pages ([vvar], [vvar_vclock]) are
      // read-only I/O memory that is never dumped: VM_READ | VM_MAYREAD | VM_IO | VM_DONTDUMP | VM_PFNMAP, so
      // mprotect cannot make them writable or executable and MADV_DOFORK refuses them.
      if (l.name.startsWith('[vvar'))
        flags = protToVmFlags(prot) | VM_MAYREAD | VM_IO | VM_DONTDUMP | VM_PFNMAP;
      vma = new Vma(
        mm.pageSize,
        start,
        end,
        flags | VM_DONTEXPAND,
        Number(l.offset / ps),
        null,
        0,
        l.name,
        true,
      );
    } else if (l.inode !== 0 || (l.name !== '' && !isBracket)) {
      const key = `${l.dev}:${l.inode}`;
      let file = files.get(key) ?? files.get(l.name);
      if (!file) {
        file = { path: l.name, dev: l.dev, inode: l.inode, shmem: l.dev === '00:01' };
        files.set(key, file);
      }
      if (!shared && prot & 2) flags |= VM_ACCOUNT;
      const anon = !shared && prot & 2 ? mm.newAnonId() : 0;
      vma = new Vma(mm.pageSize, start, end, flags, Number(l.offset / ps), file, anon);
    } else {
      if (l.name === '[stack]') flags |= VM_GROWSDOWN;
      if (!shared && prot & 2) flags |= VM_ACCOUNT;
      const anon = !shared && prot & 2 ? mm.newAnonId() : 0;
      const name = l.name.startsWith('[anon:') ? l.name : null;
      vma = new Vma(mm.pageSize, start, end, flags, start, null, anon, name);
    }
    mm.link(vma);
  }
}
