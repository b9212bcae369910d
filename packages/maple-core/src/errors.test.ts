import { describe, expect, it } from 'vitest';
import { checkIndex, checkRange, MAPLE_MAX, MapleError } from './errors.js';

describe('index checks', () => {
  it('accepts the whole index space', () => {
    expect(() => checkIndex(0, 'index')).not.toThrow();
    expect(() => checkIndex(MAPLE_MAX, 'index')).not.toThrow();
    expect(MAPLE_MAX).toBe(2 ** 53 - 1);
  });

  it.each([-1, 0.5, Number.NaN, MAPLE_MAX + 1, Number.POSITIVE_INFINITY, '3', null, undefined, 3n])(
    'rejects %s with EINVAL',
    (bad) => {
      let caught: unknown;
      try {
        checkIndex(bad, 'index');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(MapleError);
      expect((caught as MapleError).code).toBe('EINVAL');
    },
  );

  it('rejects first > last', () => {
    expect(() => checkRange(5, 4)).toThrow(/greater than/);
    expect(() => checkRange(4, 4)).not.toThrow();
  });
});
