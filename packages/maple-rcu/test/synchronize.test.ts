/**
 * A writer whose arena is full of nodes a reader in another thread still
 * holds: with `synchronizeMs` it waits for the reader to move on (the
 * kernel's synchronize_rcu) and then writes; without, it fails with ENOMEM.
 */

import { MapleError } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { SharedMapleTree } from '../src/index.js';
import { tsWorker } from './workers/spawn.js';

function holdingReader(handle: SharedMapleTree['handle'], holdMs: number) {
  const release = new Int32Array(new SharedArrayBuffer(4));
  const worker = tsWorker(new URL('./workers/pin-reader.ts', import.meta.url), {
    handle,
    holdMs,
    release: release.buffer,
  });
  const messages: ((m: { pinned?: boolean; seen?: number }) => void)[] = [];
  worker.on('message', (m) => messages.shift()?.(m));
  const next = () =>
    new Promise<{ pinned?: boolean; seen?: number }>((resolve, reject) => {
      messages.push(resolve);
      worker.once('error', reject);
    });
  const letGo = () => {
    Atomics.store(release, 0, 1);
    Atomics.notify(release, 0);
  };
  return { pinned: next(), done: next(), letGo };
}

/** Overwrites every range again and again until the arena is full; returns the error. */
function fill(tree: SharedMapleTree): unknown {
  try {
    for (let round = 0; round < 1000; round++)
      for (let i = 0; i < 200; i++) tree.storeRange(i * 4, i * 4 + 1, round);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('SharedMapleTree.synchronizeMs', () => {
  it('a write into a full arena waits for the reader holding it back, then succeeds', async () => {
    const tree = new SharedMapleTree({ maxNodes: 200, synchronizeMs: 20_000 });
    for (let i = 0; i < 200; i++) tree.storeRange(i * 4, i * 4 + 1, i);
    // The reader lets go on its own after 1.5 s; the writer is blocked meanwhile.
    const reader = holdingReader(tree.handle, 1500);
    await reader.pinned;
    const t0 = performance.now();
    // Without the wait this would need more nodes than the arena has (the reader holds them).
    expect(fill(tree)).toBeUndefined();
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThan(20);
    expect((await reader.done).seen).toBe(200);
    tree.validate();
    expect(tree.load(4)).toBe(999);
  }, 30_000);

  it('without it, the same write fails with ENOMEM and changes nothing', async () => {
    const tree = new SharedMapleTree({ maxNodes: 200 });
    for (let i = 0; i < 200; i++) tree.storeRange(i * 4, i * 4 + 1, i);
    const reader = holdingReader(tree.handle, 60_000);
    await reader.pinned;
    const error = fill(tree);
    expect(error).toBeInstanceOf(MapleError);
    expect((error as MapleError).code).toBe('ENOMEM');
    const version = tree.version;
    expect(() => tree.storeRange(0, 1, -1)).toThrow(/ENOMEM/);
    expect(tree.version).toBe(version);
    reader.letGo();
    expect((await reader.done).seen).toBe(200);
    tree.storeRange(0, 1, -1); // the reader is gone: room again
    expect(tree.load(0)).toBe(-1);
  }, 30_000);
});
