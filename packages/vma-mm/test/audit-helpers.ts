// What the api-audit tests share: an address space from a maps layout, and the check that a
// refused call answers -errno and leaves everything a caller can see as it was. Entry point only.
import { AddressSpace, type BackendName } from '@maple-tree/vma-mm';
import { expect } from 'vitest';

export type SpaceOptions = Partial<Parameters<typeof AddressSpace.fromMaps>[1]>;

/** An x86_64 address space on `backend` from `/proc/PID/maps` text (vm.mmap_min_addr 64 KiB). */
export function layoutSpace(layout: string, backend: BackendName, options: SpaceOptions = {}): AddressSpace {
  return AddressSpace.fromMaps(layout, { arch: 'x86_64', backend, mmapMinAddr: 65536, ...options });
}

/** Everything a refused call must leave alone. */
export function state(mm: AddressSpace): unknown {
  return { maps: mm.procMaps(), count: mm.mapCount, locked: mm.lockedVm, brk: mm.currentBrk };
}

/** `call` answers -errno and changes nothing. */
export function refused(mm: AddressSpace, call: (mm: AddressSpace) => number, errno: number): void {
  const before = state(mm);
  expect(call(mm)).toBe(-errno);
  expect(state(mm)).toEqual(before);
  mm.validate();
}
