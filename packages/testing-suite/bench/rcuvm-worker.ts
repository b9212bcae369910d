/**
 * RCUVM miniature, the fault side: a worker that does find_vma-style lookups
 * (the first range ending at or above a page) on the shared mirror of the
 * address space, either with no lock (RCU) or under the shared mutex the
 * main thread takes around every mmap/munmap/mprotect (mmap_lock).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SharedMapleTree, type SharedMapleTreeHandle } from '@maple-tree/rcu';
import { lock, unlock } from './rcuvm-lock.js';

const { handle, control, lowPage, highPage } = workerData as {
  handle: SharedMapleTreeHandle;
  control: SharedArrayBuffer;
  lowPage: number;
  highPage: number;
};
const words = new Int32Array(control);
const reader = SharedMapleTree.attach(handle);

parentPort?.on('message', (m: { go?: { locked: boolean; seed: number }; stop?: boolean }) => {
  if (m.stop) {
    reader.close();
    parentPort?.close();
    return;
  }
  if (!m.go) return;
  const locked = m.go.locked;
  let s = m.go.seed >>> 0;
  const span = highPage - lowPage;
  let faults = 0;
  let mapped = 0;
  while (Atomics.load(words, 1) === 0) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const page = lowPage + Math.floor((s / 4294967296) * span);
    if (locked) lock(words);
    const vma = reader.find(page);
    if (locked) unlock(words);
    if (vma !== undefined && vma.first <= page) mapped++;
    faults++;
  }
  parentPort?.postMessage({ faults, mapped });
});
parentPort?.postMessage({ ready: true });
