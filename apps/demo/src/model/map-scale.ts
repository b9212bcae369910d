/**
 * The address map's horizontal scales. `linear` is the identity. `log` is
 * two-sided: the lower half of the address space by log distance from 0,
 * the upper half by log distance from TASK_SIZE, so that both ends (program
 * and heap low; mmap area and stack just under the top) get room. Distances
 * under `unit` (64 KiB) are close to linear, so the first and last pages do
 * not take over the map.
 */

/** The two scales. */
export type ScaleKind = 'log' | 'linear';

/** A scale: address to position units and back, over [0, top]. */
export interface MapScale {
  to(address: number): number;
  from(units: number): number;
}

/** Makes a scale over [0, top]. */
export function mapScale(kind: ScaleKind, top: number, unit = 64 * 1024): MapScale {
  if (kind === 'linear') return { to: (a) => a, from: (u) => u };
  const mid = Math.log2(1 + top / 2 / unit);
  return {
    to: (a) => (a <= top / 2 ? Math.log2(1 + a / unit) : 2 * mid - Math.log2(1 + (top - a) / unit)),
    from: (u) => (u <= mid ? (2 ** u - 1) * unit : top - (2 ** (2 * mid - u) - 1) * unit),
  };
}
