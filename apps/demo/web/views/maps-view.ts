/**
 * /proc/PID/maps as the simulated kernel would print it, one line per VMA,
 * with the line of the last op's address marked.
 */
import type { Layout } from '../../src/model/layout.js';
import { byId, el } from '../dom.js';

/** The maps panel. */
export class MapsView {
  private readonly host: HTMLElement;
  private readonly summary: HTMLElement;

  constructor(hostId: string, summaryId: string) {
    this.host = byId(hostId);
    this.summary = byId(summaryId);
  }

  /**
   * @param lines - the procMaps() lines
   * @param note - what the kernel's recording says about this point (a snapshot verdict), if anything
   */
  update(layout: Layout, lines: string[], focus: number | undefined, note: string): void {
    const marked =
      focus === undefined ? -1 : layout.regions.findIndex((r) => r.start <= focus && focus < r.end);
    const rows = lines.map((line, k) =>
      el('div', { class: k === marked ? 'maps-line focused' : 'maps-line' }, line),
    );
    this.host.replaceChildren(...rows);
    this.summary.textContent = `${lines.length} lines${note ? `; ${note}` : ''}`;
    const row = rows[marked];
    // Scroll the panel only (not the page): the panel is the rows' offset parent.
    if (row) this.host.scrollTop = Math.max(0, row.offsetTop - this.host.clientHeight / 2);
  }
}
