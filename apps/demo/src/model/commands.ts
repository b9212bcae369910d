/**
 * The visualiser's console: system calls typed as text and applied to an
 * AddressSpace, with the kernel's return convention (an address, 0, or
 * -errno). A line that does not parse changes nothing and says why.
 *
 *   mmap ADDR LEN PROT FLAGS [FILE [OFFSET]]   mmap 0 0x4000 rw- private,anon
 *   munmap ADDR LEN                            munmap 0x7ffff7fbe000 0x1000
 *   mprotect ADDR LEN PROT                     mprotect 0x7ffff7fbe000 4k r--
 *   mremap ADDR OLD NEW [FLAGS [NEWADDR]]      mremap 0x7ffff7fbe000 4k 1m maymove
 *   brk ADDR                                   brk 0   (asks for the current break)
 *   find ADDR                                  find_vma: the first VMA ending above ADDR
 *
 * Numbers are hex (0x...) or decimal, optionally with a k, m or g suffix.
 */
import { type AddressSpace, ERRNO_NAMES, formatVma, MAP, type MappedFile, MREMAP } from '@maple-tree/vma-mm';

/** What a command did. */
export interface CommandResult {
  /** False when the line did not parse (nothing was changed). */
  ok: boolean;
  /** One line to show: the call's answer, or the error. */
  text: string;
  /** The raw answer (address, 0, or -errno) of a system call. */
  answer?: number;
  /** True when the call may have changed the address space. */
  changed: boolean;
  /** The address the command was about, for highlighting. */
  focus?: number;
}

/** A line the console cannot run. */
export class CommandError extends Error {}

const MAP_ALIASES: Record<string, string> = {
  anon: 'ANONYMOUS',
  noreplace: 'FIXED_NOREPLACE',
  '32bit': '32BIT',
};

/**
 * A number argument: hex, decimal, with an optional k/m/g (KiB/MiB/GiB) suffix.
 * @throws CommandError naming the argument
 */
export function parseNumber(text: string | undefined, what: string): number {
  if (text === undefined) throw new CommandError(`missing ${what}`);
  const m = /^(0x[0-9a-f]+|[0-9]+)([kmg]?)$/i.exec(text.replace(/_/g, ''));
  if (!m) throw new CommandError(`${what} must be a number (0x..., decimal, k/m/g suffix), got "${text}"`);
  const scale = { '': 1n, k: 1n << 10n, m: 1n << 20n, g: 1n << 30n }[m[2]!.toLowerCase()]!;
  const v = BigInt(m[1]!) * scale;
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new CommandError(`${what} ${text} is too large`);
  return Number(v);
}

function parseProtText(text: string | undefined): number {
  if (text === undefined) throw new CommandError('missing PROT (e.g. rw-, r-x, ---)');
  if (!/^[r-][w-][x-]$/.test(text)) throw new CommandError(`PROT must look like rw- or r-x, got "${text}"`);
  return (text[0] === 'r' ? 1 : 0) | (text[1] === 'w' ? 2 : 0) | (text[2] === 'x' ? 4 : 0);
}

function parseFlags(text: string | undefined, table: Readonly<Record<string, number>>, what: string): number {
  if (text === undefined) throw new CommandError(`missing ${what} (e.g. private,anon)`);
  if (text === '0' || text === '-') return 0;
  let bits = 0;
  for (const raw of text.split(/[,|]/)) {
    const name = raw
      .trim()
      .toUpperCase()
      .replace(/^MAP_|^MREMAP_/, '');
    const key = MAP_ALIASES[name.toLowerCase()] ?? name;
    const bit = table[key];
    if (bit === undefined) {
      throw new CommandError(
        `unknown ${what} "${raw}" (known: ${Object.keys(table).join(', ').toLowerCase()})`,
      );
    }
    bits |= bit;
  }
  return bits;
}

/** Formats a system call's answer: an address, or -ENAME. */
export function formatAnswer(answer: number): string {
  return answer < 0 ? `-${ERRNO_NAMES[-answer] ?? `errno ${-answer}`}` : `0x${answer.toString(16)}`;
}

/** A console session over one address space: remembers the files it has mapped by path. */
export class Console {
  private readonly files = new Map<string, MappedFile>();
  private nextInode = 900_001;

  constructor(public mm: AddressSpace) {}

  /** One file object per path, so that mappings of the same file can merge as in the kernel. */
  private file(path: string): MappedFile {
    let f = this.files.get(path);
    if (!f) {
      f = { path, dev: '08:01', inode: this.nextInode++ };
      this.files.set(path, f);
    }
    return f;
  }

  /** Runs one line; never throws for bad input. */
  run(line: string): CommandResult {
    try {
      return this.exec(line.trim().split(/\s+/).filter(Boolean));
    } catch (e) {
      if (e instanceof CommandError) return { ok: false, text: e.message, changed: false };
      throw e;
    }
  }

  private exec(words: string[]): CommandResult {
    const [cmd, ...args] = words;
    const call = (answer: number, focus: number): CommandResult => ({
      ok: true,
      text: `${words.join(' ')} = ${formatAnswer(answer)}`,
      answer,
      changed: answer >= 0,
      focus: answer > 0 && (cmd === 'mmap' || cmd === 'mremap') ? answer : focus,
    });
    const arity = (min: number, max: number, usage: string) => {
      if (args.length < min || args.length > max) throw new CommandError(`usage: ${usage}`);
    };
    switch (cmd) {
      case undefined:
        throw new CommandError('empty line: try "help"');
      case 'help':
        return { ok: true, changed: false, text: HELP };
      case 'mmap': {
        arity(4, 6, 'mmap ADDR LEN PROT FLAGS [FILE [OFFSET]]');
        const addr = parseNumber(args[0], 'ADDR');
        const len = parseNumber(args[1], 'LEN');
        const prot = parseProtText(args[2]);
        let flags = parseFlags(args[3], MAP, 'mmap flag');
        const path = args[4];
        if (path === undefined) flags |= MAP.ANONYMOUS;
        else if (flags & MAP.ANONYMOUS) throw new CommandError('an anonymous mapping takes no FILE');
        const off = args[5] === undefined ? 0 : parseNumber(args[5], 'OFFSET');
        return call(
          this.mm.mmap(addr, len, prot, flags, path === undefined ? null : this.file(path), off),
          addr,
        );
      }
      case 'munmap': {
        arity(2, 2, 'munmap ADDR LEN');
        const addr = parseNumber(args[0], 'ADDR');
        return call(this.mm.munmap(addr, parseNumber(args[1], 'LEN')), addr);
      }
      case 'mprotect': {
        arity(3, 3, 'mprotect ADDR LEN PROT');
        const addr = parseNumber(args[0], 'ADDR');
        return call(this.mm.mprotect(addr, parseNumber(args[1], 'LEN'), parseProtText(args[2])), addr);
      }
      case 'mremap': {
        arity(3, 5, 'mremap ADDR OLD_LEN NEW_LEN [FLAGS [NEW_ADDR]]');
        const addr = parseNumber(args[0], 'ADDR');
        const flags = args[3] === undefined ? 0 : parseFlags(args[3], MREMAP, 'mremap flag');
        const newAddr = args[4] === undefined ? 0 : parseNumber(args[4], 'NEW_ADDR');
        return call(
          this.mm.mremap(
            addr,
            parseNumber(args[1], 'OLD_LEN'),
            parseNumber(args[2], 'NEW_LEN'),
            flags,
            newAddr,
          ),
          addr,
        );
      }
      case 'brk': {
        arity(1, 1, 'brk ADDR');
        const addr = parseNumber(args[0], 'ADDR');
        const answer = this.mm.brk(addr);
        return { ...call(answer, addr), changed: addr !== 0 };
      }
      case 'find': {
        arity(1, 1, 'find ADDR');
        const addr = parseNumber(args[0], 'ADDR');
        const vma = this.mm.findVma(addr);
        return {
          ok: true,
          changed: false,
          focus: vma ? Math.max(addr, vma.start) : addr,
          text: `find_vma(0x${addr.toString(16)}) = ${vma ? formatVma(this.mm, vma) : 'NULL'}`,
        };
      }
      default:
        throw new CommandError(`unknown command "${cmd}": try "help"`);
    }
  }
}

/** The console's help text. */
export const HELP = [
  'mmap ADDR LEN PROT FLAGS [FILE [OFFSET]]   e.g. mmap 0 0x4000 rw- private,anon',
  'munmap ADDR LEN                            e.g. munmap 0x7ffff7fbe000 4k',
  'mprotect ADDR LEN PROT                     e.g. mprotect 0x7ffff7fbe000 4k r--',
  'mremap ADDR OLD NEW [FLAGS [NEW_ADDR]]     e.g. mremap 0x7ffff7fbe000 4k 1m maymove',
  'brk ADDR                                   brk 0 asks for the current break',
  'find ADDR                                  find_vma: the first VMA ending above ADDR',
  'flags: private shared anon fixed noreplace populate growsdown norserve ...; numbers: 0x.., decimal, k/m/g',
].join('\n');
