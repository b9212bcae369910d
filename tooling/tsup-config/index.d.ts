import type { Options } from 'tsup';
export declare function libraryPreset(overrides?: Partial<Options>): Options;
