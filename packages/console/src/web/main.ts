import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { h } from './dom';
import { onConnection } from './live';
import { deadLettersPage } from './pages/dead-letters';
import { eventsPage } from './pages/events';
import { executionPage } from './pages/execution';
import { executionsPage } from './pages/executions';
import { metricsPage } from './pages/metrics';
import { overviewPage } from './pages/overview';
import { sendPage } from './pages/send';
import { stateMachinePage } from './pages/state-machine';
import { tablesPage } from './pages/tables';
import { startRouter } from './router';

const NAV: [string, string][] = [
  ['overview', 'Overview'],
  ['state-machines', 'State machine'],
  ['executions', 'Executions'],
  ['events', 'Events'],
  ['tables', 'Tables'],
  ['dead-letters', 'Dead letters'],
  ['metrics', 'Metrics'],
  ['send', 'Send a completion'],
];

function shell(): HTMLElement {
  const status = h('span', { class: 'connection', role: 'status', 'aria-live': 'polite' }, 'connecting…');
  onConnection((connected) => {
    status.textContent = connected ? '● live' : '○ reconnecting…';
    status.classList.toggle('offline', !connected);
  });
  const nav = h(
    'nav',
    { 'aria-label': 'Console pages' },
    h('ul', null, ...NAV.map(([route, label]) => h('li', null, h('a', { href: `#/${route}`, 'data-route': route }, label)))),
  );
  const main = h('main', { id: 'main', tabindex: -1 });
  document.body.append(
    h('a', { class: 'skip', href: '#main', on: { click: (e: Event) => (e.preventDefault(), main.focus()) } }, 'Skip to content'),
    h('header', null, h('span', { class: 'brand' }, 'gamekeeper ', h('small', null, 'local console')), nav, status),
    main,
  );
  return main;
}

const main = shell();
startRouter(
  main,
  {
    overview: overviewPage,
    'state-machines': stateMachinePage,
    executions: executionsPage,
    execution: executionPage,
    events: eventsPage,
    tables: tablesPage,
    'dead-letters': deadLettersPage,
    metrics: metricsPage,
    send: sendPage,
  },
  (page) => {
    const active = page === 'execution' ? 'executions' : page;
    for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a')) {
      if (a.dataset.route === active) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  },
);
