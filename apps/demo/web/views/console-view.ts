/**
 * The console: a text box for system calls with a history of what was typed
 * and what each call answered (arrow keys recall earlier lines). Everything
 * is shown as text.
 */
import { byId, el } from '../dom.js';

/** The console view; `run` executes one line and returns the text to show and whether it was an error. */
export class ConsoleView {
  private readonly history: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly typed: string[] = [];
  private recall = 0;

  constructor(hostId: string, run: (line: string) => { text: string; ok: boolean }) {
    const host = byId(hostId);
    this.history = el('ol', { id: 'console-history', class: 'history' });
    this.input = el('input', {
      id: 'console-input',
      type: 'text',
      autocomplete: 'off',
      spellcheck: 'false',
      placeholder: 'mmap 0 0x4000 rw- private,anon',
      'aria-label': 'system call',
    });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        const line = this.input.value.trim();
        if (!line) return;
        this.typed.push(line);
        this.recall = this.typed.length;
        this.input.value = '';
        const r = run(line);
        this.add(`> ${line}`, 'typed');
        for (const l of r.text.split('\n')) this.add(l, r.ok ? 'answer' : 'error');
      } else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
        e.preventDefault();
        this.recall = Math.max(0, Math.min(this.typed.length, this.recall + (e.key === 'ArrowUp' ? -1 : 1)));
        this.input.value = this.typed[this.recall] ?? '';
      }
    });
    host.append(this.history, this.input);
  }

  /** Adds a line to the history. */
  add(text: string, kind: 'typed' | 'answer' | 'error' | 'note'): void {
    this.history.appendChild(el('li', { class: kind }, text));
    this.history.scrollTop = this.history.scrollHeight;
  }
}
