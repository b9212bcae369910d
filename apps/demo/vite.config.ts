/**
 * Vite configuration of the web visualiser (a static site in web/). Workspace
 * packages resolve to their TypeScript sources through the
 * `@maple-tree/source` condition, so neither `dev` nor `build` needs the
 * libraries built first. Assets are never inlined as data: URLs (the
 * Content-Security-Policy allows fetching from the site itself only).
 */
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./web/', import.meta.url)),
  base: './',
  resolve: { conditions: ['@maple-tree/source', ...defaultClientConditions] },
  build: {
    outDir: fileURLToPath(new URL('./dist/', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
  },
  // The only dependencies are workspace TypeScript sources: nothing to pre-bundle.
  optimizeDeps: { noDiscovery: true, include: [] },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
