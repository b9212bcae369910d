// check_forking (lib/test_maple_tree.c): the kernel's fork sequence on a
// tree. Duplicate a gap-tracking tree of 135 entries with __mt_dup, then
// walk the copy storing every entry back through the same cursor (which
// then moves on, since mas_store leaves it on the stored range), and
// validate.
import { MAPLE_MAX, MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';

describe('check_forking', () => {
  it('duplicates, then stores every entry back while walking the copy', () => {
    const tree = new MapleTree<number>({ allocRange: true });
    const mas = tree.state(0);
    for (let i = 0; i <= 134; i++) {
      mas.setRange(i * 10, i * 10 + 5);
      mas.store(i);
    }
    const copy = tree.clone();
    const cur = copy.state(0);
    let stores = 0;
    for (let v = cur.find(MAPLE_MAX); v !== undefined && stores <= 135; v = cur.find(MAPLE_MAX)) {
      cur.store(v);
      stores++;
    }
    expect(stores).toBe(135);
    copy.validate();
    expect([...copy]).toEqual([...tree]);
  });
});
