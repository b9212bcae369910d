/**
 * A mutex in shared memory (word 0 of an Int32Array: 0 free, 1 held, 2 held
 * with waiters), futex-style: spin on compare-and-swap, then sleep with
 * Atomics.wait until the holder's unlock notifies. Stands in for mmap_lock.
 */

export function lock(words: Int32Array): void {
  let c = Atomics.compareExchange(words, 0, 0, 1);
  if (c === 0) return;
  for (let spin = 0; spin < 64; spin++) {
    c = Atomics.compareExchange(words, 0, 0, 1);
    if (c === 0) return;
  }
  if (c !== 2) c = Atomics.exchange(words, 0, 2);
  while (c !== 0) {
    Atomics.wait(words, 0, 2);
    c = Atomics.exchange(words, 0, 2);
  }
}

export function unlock(words: Int32Array): void {
  if (Atomics.sub(words, 0, 1) !== 1) {
    Atomics.store(words, 0, 0);
    Atomics.notify(words, 0, 1);
  }
}
