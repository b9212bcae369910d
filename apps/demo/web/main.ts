/**
 * The visualiser's entry point: builds the views, wires the tabs, and loads
 * the default bundled trace.
 */
import { byId } from './dom.js';
import { Session } from './session.js';
import { BUNDLED, loadBundled } from './traces.js';
import { AddressMap } from './views/address-map.js';
import { setupBench } from './views/bench.js';
import { ConsoleView } from './views/console-view.js';
import { MapsView } from './views/maps-view.js';
import { Player } from './views/player.js';
import { SnapshotView } from './views/snapshot-view.js';
import { TreeDiagram } from './views/tree-diagram.js';

function setupTabs(): void {
  for (const tab of document.querySelectorAll<HTMLButtonElement>('button.tab')) {
    tab.addEventListener('click', () => {
      for (const t of document.querySelectorAll('button.tab')) t.classList.toggle('active', t === tab);
      for (const page of document.querySelectorAll('.page'))
        page.classList.toggle('hidden', page.id !== `page-${tab.dataset.tab}`);
    });
  }
}

async function start(): Promise<void> {
  setupTabs();
  const map = new AddressMap('map', 'map-controls', 'legend');
  const tree = new TreeDiagram('tree', 'node-detail', 'tree-summary', 'trace-log');
  const maps = new MapsView('maps', 'maps-summary');
  let player: Player | undefined;
  let position = () => 0;
  const snapshots = new SnapshotView('snapshots', () => `after op ${position()}`);
  const session = new Session(
    { map, tree, maps, snapshots, status: (text, ok) => player?.show(text, ok) },
    loadBundled,
  );
  position = () => session.position;
  player = new Player('player', session, BUNDLED);
  const cons = new ConsoleView('console', (line) => session.run(line));
  cons.add('type a system call (e.g. mmap 0 0x4000 rw- private,anon) or "help"; up/down recall', 'note');
  setupBench(BUNDLED, loadBundled);
  await session.load(BUNDLED[0]!.id);
  document.body.dataset.ready = 'true';
}

start().catch((e: unknown) => {
  const status = byId('player');
  status.textContent = `could not start: ${e instanceof Error ? e.message : String(e)}`;
});
