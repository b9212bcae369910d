/**
 * `--serve`: the web visualiser on Vite's dev server, from this app's
 * vite.config.ts. Vite is loaded only when asked for.
 */
import { fileURLToPath } from 'node:url';

/** A running visualiser server. */
export interface Served {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the dev server.
 * @param host - interface to listen on (127.0.0.1 by default: not reachable from other machines)
 * @param port - port; when taken, Vite tries the next ones
 */
export async function serveVisualiser(host: string, port: number): Promise<Served> {
  const { createServer } = await import('vite');
  const server = await createServer({
    configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)),
    server: { host, port, strictPort: false },
    logLevel: 'warn',
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0] ?? `http://${host}:${port}/`;
  return { url, close: () => server.close() };
}
