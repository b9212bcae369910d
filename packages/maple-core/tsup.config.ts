import { libraryPreset } from '@maple-tree/tsup-config';
import { defineConfig } from 'tsup';

export default defineConfig(libraryPreset({ entry: ['src/index.ts', 'src/internal.ts'] }));
