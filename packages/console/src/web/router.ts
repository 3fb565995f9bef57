import { h, replace } from './dom';
import { type LiveSnapshot, onLive } from './live';

export interface PageContext {
  root: HTMLElement;
  /** The route's path segments after the page name, decoded. */
  path: string[];
  params: URLSearchParams;
  /** Runs on every live change while this page is shown. */
  live(listener: (snapshot: LiveSnapshot) => void): void;
  /** Whether the page is still the one shown (async work checks before drawing). */
  current(): boolean;
}

export type Page = (ctx: PageContext) => void | Promise<void>;

export function navigate(route: string): void {
  location.hash = `#${route}`;
}

export function routeOf(hash: string): { page: string; path: string[]; params: URLSearchParams } {
  const raw = hash.replace(/^#\/?/, '');
  const [pathPart = '', query = ''] = raw.split('?', 2);
  const [page = '', ...path] = pathPart.split('/').map((p) => decodeURIComponent(p));
  return { page, path, params: new URLSearchParams(query) };
}

/** Shows the page the location's hash names, and again whenever it changes. */
export function startRouter(main: HTMLElement, pages: Record<string, Page>, onRoute: (page: string) => void): void {
  let generation = 0;
  let unsubscribe: (() => void)[] = [];
  const show = async () => {
    generation += 1;
    const mine = generation;
    for (const u of unsubscribe) u();
    unsubscribe = [];
    const { page, path, params } = routeOf(location.hash);
    const name = page || 'overview';
    onRoute(name);
    const render = pages[name];
    replace(main);
    if (!render) {
      main.appendChild(h('p', null, `No page called “${name}”.`));
      return;
    }
    const ctx: PageContext = {
      root: main,
      path,
      params,
      live: (listener) => unsubscribe.push(onLive(listener)),
      current: () => mine === generation,
    };
    try {
      await render(ctx);
    } catch (error) {
      if (ctx.current()) main.appendChild(h('p', { class: 'error', role: 'alert' }, `Could not show this page: ${error instanceof Error ? error.message : String(error)}`));
    }
  };
  window.addEventListener('hashchange', () => void show());
  void show();
}
