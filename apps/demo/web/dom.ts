/**
 * Small DOM helpers. Text is only ever set through textContent (never
 * innerHTML), so nothing typed or read from a trace can become markup.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an HTML element with attributes and optional text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false) continue;
    e.setAttribute(k, v === true ? '' : String(v));
  }
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Creates an SVG element with attributes. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  text?: string,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

const tips = new WeakMap<Element, string>();
let tipsInstalled = false;

function installTips(): void {
  const box = el('div', { class: 'tooltip hidden', role: 'tooltip' });
  document.body.appendChild(box);
  document.addEventListener('pointermove', (e) => {
    const text = e.target instanceof Element ? tips.get(e.target) : undefined;
    if (text === undefined) {
      box.classList.add('hidden');
      return;
    }
    box.textContent = text;
    box.classList.remove('hidden');
    const x = Math.min(e.clientX + 14, window.innerWidth - box.offsetWidth - 8);
    box.style.left = `${Math.max(0, x)}px`;
    box.style.top = `${e.clientY + 16}px`;
  });
}

/**
 * A `<defs>` holding the hatch that marks empty ranges (gaps): a pattern
 * `id` of `size` px tiles, a background and one diagonal line.
 */
export function hatchDefs(id: string, size: number): SVGDefsElement {
  const defs = svg('defs');
  const pattern = svg('pattern', {
    id,
    width: size,
    height: size,
    patternUnits: 'userSpaceOnUse',
    patternTransform: 'rotate(45)',
  });
  pattern.append(
    svg('rect', { width: size, height: size, class: 'gap-bg' }),
    svg('line', { x1: 0, y1: 0, x2: 0, y2: size, class: 'gap-line' }),
  );
  defs.appendChild(pattern);
  return defs;
}

/**
 * A tooltip for an SVG element, as text. One shared box follows the pointer
 * (instead of a <title> per element, which doubles the size of big drawings).
 */
export function tip(target: SVGElement, text: string): void {
  if (!tipsInstalled) {
    installTips();
    tipsInstalled = true;
  }
  tips.set(target, text);
}

/** The element with this id (throws when the page lacks it). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`missing #${id}`);
  return e as T;
}

/** Hex with 0x. */
export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** Bytes in a human unit (4 KiB, 2.5 MiB, 128 TiB). */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${units[u]}`;
}
