/**
 * The traces bundled with the visualiser: recordings of real programs and
 * one synthetic mix, taken at build time from @maple-tree/vma-mm's fixtures
 * (Vite copies them into the site as assets), fetched and un-gzipped in the
 * browser.
 */
import { parseTrace, type TraceRecord } from '@maple-tree/vma-mm';
import cc1Url from '../../../packages/vma-mm/fixtures/traces/real-cc1.jsonl.gz?url';
import perlUrl from '../../../packages/vma-mm/fixtures/traces/real-perl.jsonl.gz?url';
import pythonUrl from '../../../packages/vma-mm/fixtures/traces/real-python.jsonl.gz?url';
import mixedUrl from '../../../packages/vma-mm/fixtures/traces/synth-mixed-1.jsonl.gz?url';

/** A bundled trace. */
export interface BundledTrace {
  id: string;
  label: string;
  url: string;
}

/** The bundled traces, the default first. */
export const BUNDLED: readonly BundledTrace[] = [
  { id: 'real-python', label: 'python3 starting up (real, 397 calls)', url: pythonUrl },
  { id: 'real-perl', label: 'perl (real, 1013 calls)', url: perlUrl },
  { id: 'real-cc1', label: 'cc1, the C compiler (real)', url: cc1Url },
  { id: 'synth-mixed-1', label: 'synthetic mix (3000 calls, 1400 VMAs)', url: mixedUrl },
];

const cache = new Map<string, Promise<TraceRecord[]>>();

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const data = new Uint8Array(await res.arrayBuffer());
  // A server may already have undone the gzip (Content-Encoding): look at the bytes, not the name.
  if (data[0] === 0x1f && data[1] === 0x8b) {
    const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).text();
  }
  return new TextDecoder().decode(data);
}

/** The parsed records of a bundled trace (fetched once). */
export function loadBundled(id: string): Promise<TraceRecord[]> {
  const t = BUNDLED.find((b) => b.id === id);
  if (!t) return Promise.reject(new Error(`no bundled trace ${id}`));
  let p = cache.get(id);
  if (!p) {
    p = fetchText(t.url).then(parseTrace);
    cache.set(id, p);
  }
  return p;
}
