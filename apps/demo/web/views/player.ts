/**
 * The trace player: choose a trace, then play, pause, step, step back, or
 * scrub to any op with the slider or the op box. It only drives a session
 * through callbacks; the session owns the replay.
 */
import { byId, el } from '../dom.js';

/** What the player asks of the session. */
export interface PlayerHost {
  /** Load a trace by id ('' = an empty address space). */
  load(id: string): Promise<void>;
  /** Go to just after op n (0 = the start). */
  seek(n: number): void;
  /** Apply up to `count` ops and redraw once; false at the end. */
  step(count?: number): boolean;
  readonly position: number;
  readonly total: number;
}

const SPEEDS = [1, 10, 60, 300];

/** The player toolbar. */
export class Player {
  private readonly slider: HTMLInputElement;
  private readonly opInput: HTMLInputElement;
  private readonly playBtn: HTMLButtonElement;
  private readonly status: HTMLElement;
  private readonly position: HTMLElement;
  private readonly speed: HTMLSelectElement;
  private timer: number | undefined;

  constructor(
    hostId: string,
    private readonly host: PlayerHost,
    traces: readonly { id: string; label: string }[],
  ) {
    const bar = byId(hostId);
    const select = el('select', { id: 'trace-select', 'aria-label': 'trace' });
    for (const t of traces) select.appendChild(el('option', { value: t.id }, t.label));
    select.appendChild(el('option', { value: '' }, 'empty address space (console only)'));
    select.addEventListener('change', () => {
      this.pause();
      void host.load(select.value);
    });
    const button = (id: string, text: string, title: string, fn: () => void) => {
      const b = el('button', { type: 'button', id, title }, text);
      b.addEventListener('click', fn);
      return b;
    };
    this.playBtn = button('play', 'play', 'play / pause', () =>
      this.timer === undefined ? this.play() : this.pause(),
    );
    this.slider = el('input', {
      type: 'range',
      id: 'op-slider',
      min: 0,
      max: 0,
      value: 0,
      'aria-label': 'op',
    });
    this.slider.addEventListener('input', () => {
      this.pause();
      host.seek(Number(this.slider.value));
    });
    this.opInput = el('input', {
      type: 'number',
      id: 'op-input',
      min: 0,
      value: 0,
      'aria-label': 'go to op',
    });
    const go = () => {
      this.pause();
      host.seek(Number(this.opInput.value) || 0);
    };
    this.opInput.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') go();
    });
    this.speed = el('select', { id: 'speed', 'aria-label': 'speed' });
    for (const s of SPEEDS)
      this.speed.appendChild(el('option', { value: s }, `${s} op${s > 1 ? 's' : ''}/frame`));
    this.speed.value = '10';
    this.position = el('span', { id: 'position', class: 'position' });
    this.status = el('div', { id: 'step-status', class: 'status-line' });
    bar.append(
      select,
      button('rewind', '|<', 'back to the starting layout', () => {
        this.pause();
        host.seek(0);
      }),
      button('step-back', '<', 'one op back', () => {
        this.pause();
        host.seek(host.position - 1);
      }),
      this.playBtn,
      button('step', '>', 'one op forward', () => {
        this.pause();
        host.step();
      }),
      this.slider,
      this.position,
      el('label', { for: 'op-input' }, 'op'),
      this.opInput,
      button('op-go', 'go', 'go to this op', go),
      this.speed,
      this.status,
    );
  }

  /** Plays forward, a few ops per animation frame. */
  play(): void {
    if (this.host.position >= this.host.total) this.host.seek(0);
    this.playBtn.textContent = 'pause';
    const tick = () => {
      const more = this.host.step(Number(this.speed.value));
      if (more) this.timer = requestAnimationFrame(tick);
      else this.pause();
    };
    this.timer = requestAnimationFrame(tick);
  }

  /** Stops playing. */
  pause(): void {
    if (this.timer !== undefined) cancelAnimationFrame(this.timer);
    this.timer = undefined;
    this.playBtn.textContent = 'play';
  }

  /** Shows the session's position and a one-line status. */
  show(statusText: string, ok: boolean | undefined): void {
    this.slider.max = String(this.host.total);
    this.slider.value = String(this.host.position);
    this.opInput.max = String(this.host.total);
    this.opInput.value = String(this.host.position);
    this.position.textContent = `${this.host.position} / ${this.host.total}`;
    this.status.textContent = statusText;
    this.status.className = `status-line${ok === false ? ' bad' : ok ? ' good' : ''}`;
    const disabled = this.host.total === 0;
    for (const id of ['play', 'step', 'step-back', 'rewind', 'op-go'])
      byId<HTMLButtonElement>(id).disabled = disabled;
    this.slider.disabled = disabled;
    this.opInput.disabled = disabled;
  }
}
