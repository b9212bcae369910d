/**
 * The maple tree drawn node by node: one row per level, each node a strip of
 * its slots (16 for leaves and range nodes, 10 for gap-tracking arange
 * nodes). Leaf slots are coloured by the VMA they hold, or hatched for an
 * empty range (a gap); internal slots show the largest gap below them as a
 * bar. The walk of the last call's last store is outlined, and the nodes its
 * gap search entered are numbered in visit order (from the core's trace
 * hook). Clicking a node lists its pivots, slots and gaps.
 */
import { MAPLE_MAX } from '@maple-tree/core';
import type { Vma } from '@maple-tree/vma-mm';
import type { RegionKind } from '../../src/model/layout.js';
import type { NodeView, TreeView } from '../../src/model/tree-view.js';
import { byId, el, hatchDefs, hex, svg, tip } from '../dom.js';

const CELL = 12;
const NODE_H = 26;
const ROW_GAP = 58;
const NODE_GAP = 10;
const MARGIN = 8;
/** Nodes drawn per level at most; the rest are counted. */
const MAX_PER_LEVEL = 400;

type Place = { x: number; y: number; w: number };

/**
 * Positions: leaves packed left to right, each internal node centred over
 * its children (pushed right when it would overlap its left neighbour).
 * Levels with more than MAX_PER_LEVEL nodes draw the first ones and count
 * the rest; parents of undrawn nodes are not drawn either.
 */
function placeNodes(view: TreeView<Vma>): {
  pos: Map<number, Place>;
  width: number;
  more: { x: number; y: number; count: number }[];
} {
  const pos = new Map<number, Place>();
  const more: { x: number; y: number; count: number }[] = [];
  let width = 0;
  for (let depth = view.levels.length - 1; depth >= 0; depth--) {
    const level = view.levels[depth]!;
    const y = MARGIN + depth * (NODE_H + ROW_GAP);
    let right = MARGIN - NODE_GAP;
    let drawn = 0;
    for (const n of level) {
      if (drawn >= MAX_PER_LEVEL) break;
      const w = n.capacity * CELL;
      let x = right + NODE_GAP;
      if (n.kind !== 'leaf_64') {
        const kids = n.slots.map((sl) => pos.get(sl.child ?? -1)).filter((p): p is Place => p !== undefined);
        if (kids.length === 0) continue;
        const mid = (kids[0]!.x + kids.at(-1)!.x + kids.at(-1)!.w) / 2;
        x = Math.max(x, mid - w / 2);
      }
      pos.set(n.handle, { x, y, w });
      right = x + w;
      drawn++;
    }
    if (drawn < level.length) more.push({ x: right, y, count: level.length - drawn });
    width = Math.max(width, right + MARGIN + (drawn < level.length ? 120 : 0));
  }
  return { pos, width, more };
}

/** The tree view. */
export class TreeDiagram {
  private readonly host: HTMLElement;
  private readonly detail: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly log: HTMLElement;
  private pageSize = 4096;
  private kindOf = new Map<Vma, RegionKind>();
  private lineOf = new Map<Vma, string>();
  private selected: number | undefined;

  constructor(hostId: string, detailId: string, summaryId: string, logId: string) {
    this.host = byId(hostId);
    this.log = byId(logId);
    this.detail = byId(detailId);
    this.summary = byId(summaryId);
  }

  private addr(page: number, end = false): string {
    if (page >= MAPLE_MAX) return 'MAX';
    return hex((end ? page + 1 : page) * this.pageSize);
  }

  /**
   * Draws `view` with the highlight of the last call: its last walk (handles, root first)
   * outlined, the nodes its gap search entered numbered, and its trace events listed.
   * @param regions - kind and maps line per VMA, for colours and tooltips
   */
  update(
    view: TreeView<Vma> | null,
    highlight: {
      walk: readonly number[];
      search: readonly number[];
      label: string;
      lines: readonly string[];
    },
    regions: { vma: Vma; kind: RegionKind; line: string }[],
    pageSize: number,
  ): void {
    const path = highlight.walk;
    const walkLabel = highlight.label;
    this.log.textContent = highlight.lines.join('\n');
    const searchOrder = new Map<number, number[]>();
    highlight.search.forEach((h, i) => {
      searchOrder.set(h, [...(searchOrder.get(h) ?? []), i + 1]);
    });
    this.pageSize = pageSize;
    this.kindOf = new Map(regions.map((r) => [r.vma, r.kind]));
    this.lineOf = new Map(regions.map((r) => [r.vma, r.line]));
    this.host.replaceChildren();
    if (!view) {
      this.summary.textContent = '(the legacy backend has no maple tree)';
      return;
    }
    const nodes = view.levels.reduce((n, l) => n + l.length, 0);
    this.summary.textContent = `height ${view.height}, ${nodes} nodes, ${view.entries} VMAs${walkLabel ? `; last call: ${walkLabel}` : ''}`;
    if (view.levels.length === 0) {
      this.host.appendChild(el('p', { class: 'note' }, 'empty tree'));
      return;
    }
    const onPath = new Set(path);
    const { pos, width, more } = placeNodes(view);
    const height = view.levels.length * (NODE_H + ROW_GAP) - ROW_GAP + 20 + MARGIN;
    const s = svg('svg', { id: 'tree-svg', width, height, 'data-nodes': nodes, 'data-height': view.height });
    s.appendChild(hatchDefs('tree-hatch', 4));
    for (const m of more) {
      s.appendChild(
        svg('text', { x: m.x + 4, y: m.y + NODE_H / 2 + 4, class: 'more' }, `... ${m.count} more`),
      );
    }
    // Edges first, under the nodes.
    for (const level of view.levels) {
      for (const n of level) {
        const p = pos.get(n.handle);
        if (!p) continue;
        n.slots.forEach((slot, i) => {
          if (slot.child === undefined) return;
          const c = pos.get(slot.child);
          if (!c) return;
          const hot = onPath.has(n.handle) && onPath.has(slot.child);
          s.appendChild(
            svg('line', {
              x1: p.x + i * CELL + CELL / 2,
              y1: p.y + NODE_H,
              x2: c.x + c.w / 2,
              y2: c.y,
              class: hot ? 'edge hot' : 'edge',
            }),
          );
        });
      }
    }
    for (const level of view.levels)
      for (const n of level)
        if (pos.has(n.handle))
          s.appendChild(this.node(n, pos.get(n.handle)!, onPath.has(n.handle), searchOrder.get(n.handle)));
    this.host.appendChild(s);
    // Bring the end of the walk into view when the tree is wider than its panel.
    const leaf = pos.get(path.at(-1) ?? -1);
    if (leaf && width > this.host.clientWidth) {
      this.host.scrollLeft = Math.max(0, leaf.x + leaf.w / 2 - this.host.clientWidth / 2);
    }
    const keep =
      this.selected !== undefined && view.levels.some((l) => l.some((n) => n.handle === this.selected));
    const pick = keep ? this.selected : path.at(-1);
    const node = view.levels.flat().find((n) => n.handle === pick);
    if (node) this.showDetail(node);
  }

  private node(
    n: NodeView<Vma>,
    p: { x: number; y: number; w: number },
    hot: boolean,
    searched: number[] | undefined,
  ): SVGGElement {
    const g = svg('g', {
      class: `node ${n.kind}${hot ? ' hot' : ''}${searched ? ' searched' : ''}`,
      'data-handle': n.handle,
    });
    if (searched) {
      g.appendChild(
        svg(
          'text',
          { x: p.x + p.w + 3, y: p.y + 10, class: 'search-order', 'data-order': searched.join(',') },
          searched.join(','),
        ),
      );
    }
    g.appendChild(
      svg('rect', { x: p.x - 1, y: p.y - 1, width: p.w + 2, height: NODE_H + 2, class: 'node-frame' }),
    );
    const maxGap = Math.max(1, ...n.slots.map((s) => s.gap ?? 0));
    for (let i = 0; i < n.capacity; i++) {
      const slot = n.slots[i];
      const x = p.x + i * CELL;
      let cls = 'slot unused';
      if (slot && n.kind === 'leaf_64')
        cls = slot.value ? `slot vma kind-${this.kindOf.get(slot.value) ?? 'anon'}` : 'slot empty';
      else if (slot) cls = 'slot child';
      const r = svg('rect', { x, y: p.y, width: CELL - 1, height: NODE_H, class: cls });
      if (slot) {
        const what = slot.value
          ? (this.lineOf.get(slot.value) ?? 'VMA')
          : slot.child !== undefined
            ? `child #${slot.child}${slot.gap !== undefined ? `, largest gap below ${slot.gap} pages` : ''}`
            : 'empty (gap)';
        tip(r, `slot ${i}: ${this.addr(slot.first)}-${this.addr(slot.last, true)}\n${what}`);
      }
      g.appendChild(r);
      if (slot?.gap !== undefined && slot.gap > 0) {
        const h = Math.max(2, ((NODE_H - 4) * Math.log2(1 + slot.gap)) / Math.log2(1 + maxGap));
        g.appendChild(
          svg('rect', {
            x: x + 2,
            y: p.y + NODE_H - 2 - h,
            width: CELL - 5,
            height: h,
            class: i === n.largestGapSlot ? 'gapbar largest' : 'gapbar',
          }),
        );
      }
    }
    g.appendChild(
      svg('text', { x: p.x, y: p.y + NODE_H + 12, class: 'node-label' }, `#${n.handle} ${n.kind}`),
    );
    g.addEventListener('click', () => {
      this.selected = n.handle;
      this.showDetail(n);
    });
    return g;
  }

  private showDetail(n: NodeView<Vma>): void {
    const lines = [
      `#${n.handle} ${n.kind}, depth ${n.depth}`,
      `range ${this.addr(n.min)}-${this.addr(n.max, true)}`,
      `${n.slots.length}/${n.capacity} slots, ${n.pivots.length} pivots${n.largestGapSlot !== undefined ? `, largest gap in slot ${n.largestGapSlot}` : ''}`,
      `pivots (page numbers, as stored): ${n.pivots.map((p) => (p >= MAPLE_MAX ? 'MAX' : hex(p))).join(' ') || '(none)'}`,
    ];
    if (n.kind === 'arange_64') lines.push(`gaps (pages): ${n.slots.map((s) => s.gap ?? 0).join(' ')}`);
    lines.push('');
    n.slots.forEach((s, i) => {
      const range = `${String(i).padStart(2)} ${this.addr(s.first)}-${this.addr(s.last, true)}`;
      if (s.child !== undefined)
        lines.push(`${range} -> #${s.child}${s.gap !== undefined ? ` gap ${s.gap} pages` : ''}`);
      else
        lines.push(
          `${range} ${s.value ? (this.lineOf.get(s.value)?.replace(/\s+/g, ' ') ?? 'VMA') : '(empty)'}`,
        );
    });
    this.detail.textContent = lines.join('\n');
  }
}
