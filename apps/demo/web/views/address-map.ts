/**
 * The address space as a horizontal map from 0 to TASK_SIZE: every VMA a
 * rectangle coloured by kind, every gap a hatched run, on a linear or a
 * two-sided logarithmic scale. The wheel zooms around the pointer, dragging pans, and
 * a VMA's tooltip is its /proc/PID/maps line.
 */
import type { Layout, Region } from '../../src/model/layout.js';
import { type MapScale, mapScale, type ScaleKind } from '../../src/model/map-scale.js';
import { byId, bytes, el, hatchDefs, hex, svg, tip } from '../dom.js';

const HEIGHT = 120;
const BAR_Y = 22;
const BAR_H = 56;

/** The map view. */
export class AddressMap {
  private scale: ScaleKind = 'log';
  /** Visible window in scale units (u = f(address)). */
  private u0 = 0;
  private u1 = 1;
  private layout: Layout | null = null;
  private focus: number | undefined;
  private readonly host: HTMLElement;
  private readonly svgEl: SVGSVGElement;
  private readonly zoomLabel: HTMLElement;

  constructor(hostId: string, controlsId: string, legendId: string) {
    this.host = byId(hostId);
    this.svgEl = svg('svg', {
      id: 'map-svg',
      height: HEIGHT,
      role: 'img',
      'aria-label': 'address space map',
    });
    this.host.appendChild(this.svgEl);
    const controls = byId(controlsId);
    const scaleBtn = el('button', { type: 'button', id: 'map-scale' }, 'scale: log');
    scaleBtn.addEventListener('click', () => {
      this.scale = this.scale === 'log' ? 'linear' : 'log';
      scaleBtn.textContent = `scale: ${this.scale}`;
      scaleBtn.title =
        this.scale === 'log' ? 'log distance from 0 (low half) and from the top (high half)' : 'linear';
      this.resetZoom();
    });
    const reset = el('button', { type: 'button', id: 'map-reset' }, 'whole space');
    reset.addEventListener('click', () => this.resetZoom());
    const top = el('button', { type: 'button', id: 'map-mmap-area' }, 'mmap area');
    top.addEventListener('click', () => this.zoomToMmapArea());
    this.zoomLabel = el('span', { class: 'status' });
    controls.append(scaleBtn, reset, top, this.zoomLabel);
    const legend = byId(legendId);
    for (const kind of ['file', 'anon', 'heap', 'stack', 'special', 'gap']) {
      const item = el('span', { class: 'legend-item' });
      item.append(el('span', { class: `swatch kind-${kind}` }), document.createTextNode(kind));
      legend.appendChild(item);
    }
    this.svgEl.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.svgEl.addEventListener('pointerdown', (e) => this.onDrag(e));
    new ResizeObserver(() => this.draw()).observe(this.host);
  }

  private scaleFn(): MapScale {
    return mapScale(this.scale, this.layout?.taskSize ?? 2 ** 47);
  }

  private f(a: number): number {
    return this.scaleFn().to(a);
  }

  private finv(u: number): number {
    return this.scaleFn().from(u);
  }

  /** The width the last draw used (reading the layout once per draw, not per rectangle). */
  private drawnWidth = 800;

  private get width(): number {
    return Math.max(200, this.host.clientWidth);
  }

  private x(a: number): number {
    return ((this.f(a) - this.u0) / (this.u1 - this.u0)) * this.drawnWidth;
  }

  /** Shows the whole address space. */
  resetZoom(): void {
    if (!this.layout) return;
    this.u0 = this.f(0);
    this.u1 = this.f(this.layout.taskSize);
    this.draw();
  }

  /** Zooms to the span from the lowest VMA above 4 GiB to the top (where mmap places things). */
  zoomToMmapArea(): void {
    if (!this.layout) return;
    const high = this.layout.regions.filter((r) => r.start >= 2 ** 32);
    if (high.length === 0) {
      this.resetZoom();
      return;
    }
    const lo = high[0]!.start;
    const hi = this.layout.taskSize;
    const pad = (this.f(hi) - this.f(lo)) * 0.02;
    this.u0 = this.f(lo) - pad;
    this.u1 = this.f(hi) + pad;
    this.draw();
  }

  /** Shows a new layout, keeping the zoom; `focus` is outlined. */
  update(layout: Layout, focus?: number): void {
    const first = this.layout === null;
    this.layout = layout;
    this.focus = focus;
    if (first) this.resetZoom();
    else this.draw();
  }

  private onWheel(e: WheelEvent): void {
    if (!this.layout) return;
    e.preventDefault();
    const rect = this.svgEl.getBoundingClientRect();
    const t = (e.clientX - rect.left) / rect.width;
    const at = this.u0 + t * (this.u1 - this.u0);
    const k = e.deltaY > 0 ? 1.25 : 0.8;
    this.setWindow(at - (at - this.u0) * k, at + (this.u1 - at) * k);
  }

  private onDrag(e: PointerEvent): void {
    const startX = e.clientX;
    const u0 = this.u0;
    const u1 = this.u1;
    const move = (m: PointerEvent) => {
      const du = ((startX - m.clientX) / this.width) * (u1 - u0);
      this.setWindow(u0 + du, u1 + du);
    };
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  }

  private setWindow(a: number, b: number): void {
    if (!this.layout) return;
    const lo = this.f(0);
    const hi = this.f(this.layout.taskSize);
    const min = this.scale === 'log' ? 1e-6 : this.layout.pageSize * 4;
    if (b - a < min) return;
    if (b - a > hi - lo) [a, b] = [lo, hi];
    if (a < lo) [a, b] = [lo, b + (lo - a)];
    if (b > hi) [a, b] = [a - (b - hi), hi];
    this.u0 = a;
    this.u1 = b;
    this.draw();
  }

  private draw(): void {
    const layout = this.layout;
    if (!layout) return;
    const w = this.width;
    this.drawnWidth = w;
    const s = this.svgEl;
    s.replaceChildren();
    s.setAttribute('width', String(w));
    s.setAttribute('viewBox', `0 0 ${w} ${HEIGHT}`);
    s.appendChild(hatchDefs('hatch', 6));
    const lo = this.finv(this.u0);
    const hi = this.finv(this.u1);
    const visible = (a: number, b: number) => b > lo && a < hi;
    const clampX = (a: number) => Math.max(-2, Math.min(w + 2, this.x(a)));
    for (const g of layout.gaps) {
      if (!visible(g.start, g.end)) continue;
      const r = svg('rect', {
        x: clampX(g.start),
        y: BAR_Y,
        width: Math.max(0, clampX(g.end) - clampX(g.start)),
        height: BAR_H,
        class: 'gap',
      });
      tip(r, `gap ${hex(g.start)}-${hex(g.end)} (${bytes(g.end - g.start)})`);
      s.appendChild(r);
    }
    let shown = 0;
    for (const region of layout.regions) {
      if (!visible(region.start, region.end)) continue;
      shown++;
      s.appendChild(this.regionRect(region, clampX));
    }
    // Ticks: six addresses across the window.
    for (let k = 0; k <= 5; k++) {
      const u = this.u0 + ((this.u1 - this.u0) * k) / 5;
      const x = (k / 5) * w;
      s.appendChild(svg('line', { x1: x, y1: BAR_Y + BAR_H, x2: x, y2: BAR_Y + BAR_H + 6, class: 'tick' }));
      const anchor = k === 0 ? 'start' : k === 5 ? 'end' : 'middle';
      s.appendChild(
        svg(
          'text',
          { x, y: BAR_Y + BAR_H + 18, 'text-anchor': anchor, class: 'tick-label' },
          hex(Math.round(this.finv(u))),
        ),
      );
    }
    if (this.focus !== undefined && visible(this.focus, this.focus + 1)) {
      const x = this.x(this.focus);
      s.appendChild(
        svg('path', { d: `M${x - 6},4 L${x + 6},4 L${x},${BAR_Y - 2} Z`, class: 'focus-marker' }),
      );
    }
    this.zoomLabel.textContent = `${hex(Math.round(lo))} - ${hex(Math.round(hi))} (${bytes(Math.round(hi - lo))}), ${shown} of ${layout.regions.length} VMAs in view`;
    s.dataset.regions = String(layout.regions.length);
    s.dataset.gaps = String(layout.gaps.length);
  }

  private regionRect(region: Region, clampX: (a: number) => number): SVGRectElement {
    const x0 = clampX(region.start);
    const width = Math.max(1, clampX(region.end) - x0);
    const focused = this.focus !== undefined && region.start <= this.focus && this.focus < region.end;
    const r = svg('rect', {
      x: x0,
      y: BAR_Y,
      width,
      height: BAR_H,
      class: `vma kind-${region.kind}${focused ? ' focused' : ''}`,
      'data-start': hex(region.start),
    });
    tip(r, `${region.line}\n${bytes(region.end - region.start)}, ${region.kind}`);
    return r;
  }
}
