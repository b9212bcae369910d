// Personality bits a recorded exec left, which the trace header's `personality` carries: ADDR_LIMIT_3GB
// gives an ia32 process a 3 GiB TASK_SIZE (fixture rec-real-addr3gb, `setarch i386 -3 -R`), and
// ADDR_COMPAT_LAYOUT (`setarch -L` under the recorder) the legacy layout.
import { describe, expect, it } from 'vitest';
import {
  AddressSpace,
  type BackendName,
  ENOMEM,
  headerOptions,
  I386,
  I386_3GB,
  MAP,
  PROT,
  type TraceHeader,
} from '../src/index.js';

const PAGE = 0x1000;
const header = { kind: 'header', format: 'vmtrace/1', arch: 'i386', page_size: PAGE } as TraceHeader;

describe.each<BackendName>(['maple', 'legacy'])('personality on the %s backend', (backend) => {
  it('ADDR_LIMIT_3GB: an ia32 process ends at 3 GiB, and its bases follow', () => {
    expect(headerOptions({ ...header, personality: '0x8040008' }).arch).toBe('i386-3gb');
    expect(headerOptions({ ...header, personality: '0x40008' }).arch).toBe('i386');
    expect(headerOptions({ ...header, arch: 'x86_64', personality: '0x8000000' }).arch).toBe('x86_64');
    const mm = new AddressSpace({ arch: 'i386-3gb', backend });
    const full = new AddressSpace({ arch: I386, backend });
    expect(I386_3GB.taskSize).toBe(0xc0000000);
    expect(mm.mmapBase).toBe(full.mmapBase - (I386.taskSize - I386_3GB.taskSize));
    const a = mm.mmap(0, 2 * PAGE, PROT.READ, MAP.PRIVATE | MAP.ANONYMOUS);
    expect(a + 2 * PAGE).toBeLessThanOrEqual(0xc0000000 - 128 * 2 ** 20);
    expect(mm.mmap(0xc0000000, PAGE, PROT.READ, MAP.PRIVATE | MAP.ANONYMOUS | MAP.FIXED)).toBe(-ENOMEM);
    expect(full.mmap(0xc0000000, PAGE, PROT.READ, MAP.PRIVATE | MAP.ANONYMOUS | MAP.FIXED)).toBe(0xc0000000);
    const legacy = new AddressSpace({ arch: 'i386-3gb', backend, layout: 'legacy' });
    expect(legacy.mmapBase).toBe(0x40000000); // TASK_UNMAPPED_BASE: a third of it
  });

  it('ADDR_COMPAT_LAYOUT in a header is the legacy layout whatever layout says', () => {
    expect(headerOptions({ ...header, personality: '0x240000', layout: 'topdown' }).layout).toBe('legacy');
    expect(headerOptions({ ...header, personality: '0x40000' }).layout).toBe('topdown');
  });
});
