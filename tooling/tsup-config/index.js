// The one build preset every published package extends: ESM + CJS + .d.ts,
// built for Node 20 and current browsers. Only options that tsup's successor
// tsdown also accepts are used here.

/**
 * @param {{ entry?: string[] | Record<string, string> }} [overrides]
 * @returns {import('tsup').Options}
 */
export function libraryPreset(overrides = {}) {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    treeshake: true,
    ...overrides,
  };
}
