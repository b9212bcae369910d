/**
 * The benchmark workloads: every trace replayed (fixtures/traces and its
 * recorded/ folder), and scaled address spaces of 1k, 10k and 65k VMAs built
 * with a seeded layout (VMAs of 1-4 pages separated by 1-3 page holes, just
 * below mmap_base), on which we run
 * mmap and munmap storms, page-fault loops (hits, misses, the same few pages,
 * and a cycle that defeats a 4-entry VMA cache), get_unmapped_area under
 * fragmentation, and fork of the whole space.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { AddressSpace, type AddressSpaceOptions, MAP, PROT, parseTrace, replayTrace } from '../src/index.js';
import { prng, type Variant, type Workload } from './measure.js';
import { SeedMapleIndex } from './seed-maple-index.js';

const ANON = MAP.PRIVATE | MAP.ANONYMOUS;
const PS = 4096;

/** One replay per trace in `dir` (fixtures/traces) and its `recorded/` folder. */
export function traceWorkloads(dir: URL): Workload[] {
  const files = [dir, new URL('recorded/', dir)].flatMap((d) =>
    existsSync(d)
      ? readdirSync(d)
          .filter((f) => f.endsWith('.jsonl.gz'))
          .sort()
          .map((f) => new URL(f, d))
      : [],
  );
  const warned = new Set<string>();
  return files.map((url) => {
    const name = url.pathname.split('/').pop()!.replace('.jsonl.gz', '');
    const records = parseTrace(gunzipSync(readFileSync(url)).toString('utf8'));
    const ops = records.filter((r) => r.kind === 'op').length;
    return {
      group: 'trace replay (per op)',
      name,
      ops,
      variants: ['maple', 'legacy'] as const,
      setup: (backend: Variant) => () => {
        const r = replayTrace(records, { backend: backend === 'legacy' ? 'legacy' : 'maple' });
        if (r.answersMatched !== r.answered && !warned.has(`${name}/${backend}`)) {
          warned.add(`${name}/${backend}`);
          console.warn(`${name}: ${backend} matched ${r.answersMatched} of ${r.answered} answers`);
        }
        return r;
      },
    };
  });
}

/** The seeded fragmented layout: start page and length of every VMA, top-down from mmap_base. */
function layoutPlan(n: number): { start: number; pages: number }[] {
  const rnd = prng(0x5eed + n);
  const top = new AddressSpace({ arch: 'x86_64' }).mmapBase / PS;
  const plan: { start: number; pages: number }[] = [];
  let at = top;
  for (let i = 0; i < n; i++) {
    const pages = 1 + Math.floor(rnd() * 4);
    at -= pages;
    plan.push({ start: at, pages });
    at -= 1 + Math.floor(rnd() * 3);
  }
  return plan;
}

/** A fresh x86_64 address space on `variant`'s index. */
function makeSpace(variant: Variant): AddressSpace {
  const options: AddressSpaceOptions = { arch: 'x86_64', maxMapCount: 70000 };
  if (variant === 'seed') return new AddressSpace(options, new SeedMapleIndex());
  if (variant === 'bare') return new AddressSpace({ ...options, backend: 'maple', vmaCache: false });
  return new AddressSpace({ ...options, backend: variant });
}

function buildLayout(variant: Variant, plan: { start: number; pages: number }[]): AddressSpace {
  const mm = makeSpace(variant);
  for (let i = 0; i < plan.length; i++) {
    const { start, pages } = plan[i]!;
    const prot = i & 1 ? PROT.READ : PROT.READ | PROT.WRITE;
    if (mm.mmap(start * PS, pages * PS, prot, ANON | MAP.FIXED) !== start * PS) throw new Error('layout');
  }
  if (mm.mapCount !== plan.length) throw new Error('layout merged');
  return mm;
}

/** The scaled workloads for `n` VMAs. */
export function scaledWorkloads(n: number): Workload[] {
  const plan = layoutPlan(n);
  const built = new Map<Variant, AddressSpace>();
  const space = (b: Variant) => {
    let mm = built.get(b);
    if (!mm) {
      mm = buildLayout(b, plan);
      built.set(b, mm);
    }
    return mm;
  };
  const rnd = prng(n * 31 + 7);
  const LOOP = 4096;
  const inside = Array.from({ length: LOOP }, () => {
    const v = plan[Math.floor(rnd() * n)]!;
    return (v.start + Math.floor(rnd() * v.pages)) * PS;
  });
  const holes = Array.from({ length: LOOP }, () => (plan[Math.floor(rnd() * n)]!.start - 1) * PS);
  const hot = inside.slice(0, 4);
  const cycle = Array.from({ length: 16 }, (_, i) => plan[Math.floor(((i + 0.5) * n) / 16)]!.start * PS);
  const order = plan.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  /** 1024 get_unmapped_area calls for `pages` pages on the fragmented layout. */
  const unmappedArea = (pages: number, name: string): Workload => ({
    group: g('get_unmapped_area (per call)'),
    name,
    vmas: n,
    ops: 1024,
    setup: (b) => {
      const mm = space(b);
      return () => {
        let s = 0;
        for (let i = 0; i < 1024; i++) s += mm.getUnmappedArea(0, pages * PS, 0, ANON);
        return s;
      };
    },
  });
  const faults = (addrs: number[], times: number) => (b: Variant) => {
    const mm = space(b);
    return () => {
      let bad = 0;
      for (let t = 0; t < times; t++) for (const a of addrs) bad += mm.fault(a, false);
      return bad;
    };
  };
  const g = (name: string) => `${name}`;
  return [
    {
      group: g('mmap storm (per mmap)'),
      name: `${n} anonymous mmaps, no hint`,
      vmas: n,
      ops: n,
      setup: (b) => {
        const mm = makeSpace(b);
        return () => {
          for (let i = 0; i < n; i++) mm.mmap(0, (1 + (i % 3)) * PS, i & 1 ? PROT.READ : PROT.NONE, ANON);
          return mm;
        };
      },
    },
    {
      group: g('munmap storm (per munmap)'),
      name: `unmap all ${n} VMAs, random order`,
      vmas: n,
      ops: n,
      setup: (b) => {
        const mm = space(b).fork();
        return () => {
          for (const i of order) mm.munmap(plan[i]!.start * PS, plan[i]!.pages * PS);
          return mm;
        };
      },
    },
    {
      group: g('page faults (per fault)'),
      name: 'hits, random VMAs',
      vmas: n,
      ops: LOOP,
      setup: faults(inside, 1),
    },
    {
      group: g('page faults (per fault)'),
      name: 'misses (holes)',
      vmas: n,
      ops: LOOP,
      setup: faults(holes, 1),
    },
    {
      group: g('page faults (per fault)'),
      name: 'the same 4 pages',
      vmas: n,
      ops: LOOP,
      setup: faults(hot, LOOP / 4),
    },
    {
      group: g('page faults (per fault)'),
      name: 'cycle of 16 VMAs (cache thrash)',
      vmas: n,
      ops: LOOP,
      setup: faults(cycle, LOOP / 16),
    },
    unmappedArea(2, '2 pages, fragmented (first fit near the top)'),
    unmappedArea(4, '4 pages, fragmented (no hole fits: below all)'),
    {
      group: g('fork (per fork)'),
      name: `dup_mmap of ${n} VMAs`,
      vmas: n,
      ops: 1,
      setup: (b) => {
        const mm = space(b);
        return () => mm.fork();
      },
    },
  ];
}
