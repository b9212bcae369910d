/**
 * The augmented red-black tree that indexed VMAs before the Maple Tree
 * (mm->mm_rb in Linux < 6.1), with the sorted doubly linked VMA list
 * (vm_next / vm_prev) threaded through the same nodes.
 *
 * Nodes are keyed by vm_start. Each node keeps
 *   gap         - free pages between the previous VMA's end and its start,
 *   subtreeGap  - the largest `gap` in its subtree (rb_subtree_gap),
 * so a search for a free area of `size` pages skips every subtree whose
 * subtreeGap is smaller (the old unmapped_area / unmapped_area_topdown).
 *
 *          [B gap=3 sub=9]
 *          /             \
 *   [A gap=9 sub=9]   [C gap=1 sub=1]     list: A <-> B <-> C, then the top gap
 *
 * The gaps here are raw (no stack guard): the caller applies the guard gap
 * the way 6.x's unmapped_area does, so both backends answer alike.
 */
import type { Vma } from '../vma.js';

/** One tree node; also a link of the sorted VMA list. */
export class RbNode {
  vma: Vma;
  left: RbNode | null = null;
  right: RbNode | null = null;
  parent: RbNode | null = null;
  red = true;
  gap = 0;
  subtreeGap = 0;
  prev: RbNode | null = null;
  next: RbNode | null = null;

  constructor(vma: Vma) {
    this.vma = vma;
  }
}

/** Largest page index the top gap reaches. */
export const TOP_PAGE = Number.MAX_SAFE_INTEGER;

function subOf(n: RbNode): number {
  let s = n.gap;
  if (n.left && n.left.subtreeGap > s) s = n.left.subtreeGap;
  if (n.right && n.right.subtreeGap > s) s = n.right.subtreeGap;
  return s;
}

/** An augmented red-black tree of VMAs keyed by start page. */
export class GapRbTree {
  root: RbNode | null = null;
  /** First VMA of the list (mm->mmap). */
  head: RbNode | null = null;
  /** Last VMA of the list. */
  tail: RbNode | null = null;
  size = 0;

  /** Fully recompute subtreeGap from `n` to the root. */
  private propagate(n: RbNode | null): void {
    while (n) {
      n.subtreeGap = subOf(n);
      n = n.parent;
    }
  }

  private gapBefore(n: RbNode): number {
    return n.vma.startPage - (n.prev ? n.prev.vma.endPage : 0);
  }

  /** Recompute the gap of `n` (after its own or its predecessor's bounds changed). */
  refreshGap(n: RbNode): void {
    n.gap = this.gapBefore(n);
    this.propagate(n);
  }

  private rotateLeft(x: RbNode): void {
    const y = x.right!;
    x.right = y.left;
    if (y.left) y.left.parent = x;
    y.parent = x.parent;
    if (!x.parent) this.root = y;
    else if (x === x.parent.left) x.parent.left = y;
    else x.parent.right = y;
    y.left = x;
    x.parent = y;
    x.subtreeGap = subOf(x);
    y.subtreeGap = subOf(y);
  }

  private rotateRight(x: RbNode): void {
    const y = x.left!;
    x.left = y.right;
    if (y.right) y.right.parent = x;
    y.parent = x.parent;
    if (!x.parent) this.root = y;
    else if (x === x.parent.right) x.parent.right = y;
    else x.parent.left = y;
    y.right = x;
    x.parent = y;
    x.subtreeGap = subOf(x);
    y.subtreeGap = subOf(y);
  }

  /** Insert a VMA (vma_link: __vma_link_list + __vma_link_rb). */
  insert(vma: Vma): RbNode {
    const node = new RbNode(vma);
    let parent: RbNode | null = null;
    let cur = this.root;
    let pred: RbNode | null = null;
    const key = vma.startPage;
    while (cur) {
      parent = cur;
      if (key < cur.vma.startPage) cur = cur.left;
      else {
        pred = cur;
        cur = cur.right;
      }
    }
    node.parent = parent;
    if (!parent) this.root = node;
    else if (key < parent.vma.startPage) parent.left = node;
    else parent.right = node;
    // Thread into the list after its in-order predecessor.
    node.prev = pred;
    node.next = pred ? pred.next : this.head;
    if (node.prev) node.prev.next = node;
    else this.head = node;
    if (node.next) node.next.prev = node;
    else this.tail = node;
    this.size++;
    node.gap = this.gapBefore(node);
    this.propagate(node);
    if (node.next) this.refreshGap(node.next);
    this.insertFixup(node);
    return node;
  }

  private insertFixup(z: RbNode): void {
    while (z.parent?.red) {
      const p = z.parent;
      const g = p.parent!;
      if (p === g.left) {
        const u = g.right;
        if (u?.red) {
          p.red = false;
          u.red = false;
          g.red = true;
          z = g;
        } else {
          if (z === p.right) {
            z = p;
            this.rotateLeft(z);
          }
          z.parent!.red = false;
          g.red = true;
          this.rotateRight(g);
        }
      } else {
        const u = g.left;
        if (u?.red) {
          p.red = false;
          u.red = false;
          g.red = true;
          z = g;
        } else {
          if (z === p.left) {
            z = p;
            this.rotateRight(z);
          }
          z.parent!.red = false;
          g.red = true;
          this.rotateLeft(g);
        }
      }
    }
    this.root!.red = false;
  }

  private transplant(u: RbNode, v: RbNode | null): void {
    if (!u.parent) this.root = v;
    else if (u === u.parent.left) u.parent.left = v;
    else u.parent.right = v;
    if (v) v.parent = u.parent;
  }

  /** Remove a node (vma_unlink: __vma_unlink_list + rb_erase_augmented). */
  erase(z: RbNode): void {
    const succ = z.next;
    if (z.prev) z.prev.next = z.next;
    else this.head = z.next;
    if (z.next) z.next.prev = z.prev;
    else this.tail = z.prev;
    this.size--;
    if (succ) succ.gap = this.gapBefore(succ);

    let yRed = z.red;
    let x: RbNode | null;
    let xParent: RbNode | null;
    if (!z.left) {
      x = z.right;
      xParent = z.parent;
      this.transplant(z, z.right);
    } else if (!z.right) {
      x = z.left;
      xParent = z.parent;
      this.transplant(z, z.left);
    } else {
      let y = z.right;
      while (y.left) y = y.left;
      yRed = y.red;
      x = y.right;
      if (y.parent === z) {
        xParent = y;
      } else {
        xParent = y.parent;
        this.transplant(y, y.right);
        y.right = z.right;
        y.right.parent = y;
      }
      this.transplant(z, y);
      y.left = z.left;
      y.left.parent = y;
      y.red = z.red;
    }
    this.propagate(xParent);
    if (succ) this.propagate(succ);
    if (!yRed) this.eraseFixup(x, xParent);
    z.left = z.right = z.parent = z.prev = z.next = null;
  }

  private eraseFixup(x: RbNode | null, parent: RbNode | null): void {
    while (x !== this.root && !x?.red) {
      if (!parent) break;
      if (x === parent.left) {
        let w = parent.right!;
        if (w.red) {
          w.red = false;
          parent.red = true;
          this.rotateLeft(parent);
          w = parent.right!;
        }
        if (!w.left?.red && !w.right?.red) {
          w.red = true;
          x = parent;
          parent = x.parent;
        } else {
          if (!w.right?.red) {
            w.left!.red = false;
            w.red = true;
            this.rotateRight(w);
            w = parent.right!;
          }
          w.red = parent.red;
          parent.red = false;
          if (w.right) w.right.red = false;
          this.rotateLeft(parent);
          x = this.root;
          parent = null;
        }
      } else {
        let w = parent.left!;
        if (w.red) {
          w.red = false;
          parent.red = true;
          this.rotateRight(parent);
          w = parent.left!;
        }
        if (!w.right?.red && !w.left?.red) {
          w.red = true;
          x = parent;
          parent = x.parent;
        } else {
          if (!w.left?.red) {
            w.right!.red = false;
            w.red = true;
            this.rotateLeft(w);
            w = parent.left!;
          }
          w.red = parent.red;
          parent.red = false;
          if (w.left) w.left.red = false;
          this.rotateRight(parent);
          x = this.root;
          parent = null;
        }
      }
    }
    if (x) x.red = false;
  }

  /** The first node whose VMA ends above `page` (the rb walk of find_vma). */
  findAbove(page: number): RbNode | null {
    let cur = this.root;
    let best: RbNode | null = null;
    while (cur) {
      if (cur.vma.endPage > page) {
        best = cur;
        if (cur.vma.startPage <= page) break;
        cur = cur.left;
      } else cur = cur.right;
    }
    return best;
  }

  /** The last node whose VMA starts below `page`. */
  findBelow(page: number): RbNode | null {
    let cur = this.root;
    let best: RbNode | null = null;
    while (cur) {
      if (cur.vma.startPage < page) {
        best = cur;
        cur = cur.right;
      } else cur = cur.left;
    }
    return best;
  }

  /** The top gap: from the last VMA's end to TOP_PAGE. */
  private topGapStart(): number {
    return this.tail ? this.tail.vma.endPage : 0;
  }

  /**
   * Lowest start of `size` free pages inside [lo, hi] (old unmapped_area):
   * an in-order walk that skips subtrees whose subtreeGap is too small and
   * subtrees lying wholly outside [lo, hi]. Recursion depth is bounded by the
   * tree height (at most 2 log2(n + 1)).
   */
  emptyArea(lo: number, hi: number, size: number): number | undefined {
    const found = this.lowest(this.root, lo, hi, size);
    if (found !== undefined) return found;
    const s = Math.max(this.topGapStart(), lo);
    return s + size - 1 <= Math.min(hi, TOP_PAGE) ? s : undefined;
  }

  private lowest(n: RbNode | null, lo: number, hi: number, size: number): number | undefined {
    if (!n || n.subtreeGap < size) return undefined;
    // Gaps in the left subtree end before n's start: useful only if n starts far enough above lo.
    if (n.vma.startPage - 1 >= lo + size - 1) {
      const l = this.lowest(n.left, lo, hi, size);
      if (l !== undefined) return l;
    }
    const gapStart = n.vma.startPage - n.gap;
    if (gapStart > hi) return undefined;
    if (n.gap >= size) {
      const s = Math.max(gapStart, lo);
      if (s + size - 1 <= Math.min(n.vma.startPage - 1, hi)) return s;
    }
    return this.lowest(n.right, lo, hi, size);
  }

  /** Highest start of `size` free pages inside [lo, hi] (old unmapped_area_topdown). */
  emptyAreaRev(lo: number, hi: number, size: number): number | undefined {
    const topStart = this.topGapStart();
    const top = Math.min(hi, TOP_PAGE);
    if (top - size + 1 >= Math.max(topStart, lo)) return top - size + 1;
    return this.highest(this.root, lo, hi, size);
  }

  private highest(n: RbNode | null, lo: number, hi: number, size: number): number | undefined {
    if (!n || n.subtreeGap < size) return undefined;
    const gapStart = n.vma.startPage - n.gap;
    // Gaps in the right subtree start at or after n's end.
    if (n.vma.endPage + size - 1 <= hi) {
      const r = this.highest(n.right, lo, hi, size);
      if (r !== undefined) return r;
    }
    if (n.vma.startPage - 1 < lo) return undefined;
    if (n.gap >= size) {
      const top = Math.min(n.vma.startPage - 1, hi);
      const s = top - size + 1;
      if (s >= Math.max(gapStart, lo)) return s;
    }
    return this.highest(n.left, lo, hi, size);
  }

  /** Check the red-black, ordering, list and gap invariants. */
  validate(): void {
    if (this.root?.red) throw new Error('rbtree: root is red');
    let count = 0;
    const walk = (n: RbNode | null, parent: RbNode | null): number => {
      if (!n) return 1;
      if (n.parent !== parent) throw new Error(`rbtree: bad parent link at page ${n.vma.startPage}`);
      if (n.red && (n.left?.red || n.right?.red)) throw new Error('rbtree: red node with red child');
      if (n.left && n.left.vma.startPage >= n.vma.startPage) throw new Error('rbtree: order');
      if (n.right && n.right.vma.startPage <= n.vma.startPage) throw new Error('rbtree: order');
      const lb = walk(n.left, n);
      const rb = walk(n.right, n);
      if (lb !== rb) throw new Error('rbtree: black heights differ');
      if (n.gap !== this.gapBefore(n)) throw new Error(`rbtree: stale gap at page ${n.vma.startPage}`);
      if (n.subtreeGap !== subOf(n)) throw new Error(`rbtree: stale subtree gap at page ${n.vma.startPage}`);
      count++;
      return lb + (n.red ? 0 : 1);
    };
    walk(this.root, null);
    if (count !== this.size) throw new Error(`rbtree: size ${this.size} but ${count} nodes`);
    let prev: RbNode | null = null;
    let listed = 0;
    for (let n = this.head; n; n = n.next) {
      if (n.prev !== prev) throw new Error('list: bad prev link');
      if (prev && prev.vma.endPage > n.vma.startPage) throw new Error('list: VMAs overlap or out of order');
      if (n.vma.startPage >= n.vma.endPage) throw new Error('list: empty VMA');
      prev = n;
      listed++;
    }
    if (prev !== this.tail) throw new Error('list: bad tail');
    if (listed !== this.size) throw new Error('list: length differs from tree size');
  }
}
