import { useSyncExternalStore } from 'react';

/** A tiny history-based router: the server answers every non-/api path with index.html. */

const CHANGE = 'wms:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

/** The current path with its query string, e.g. `/locations?type=pick`. */
export function useLocation(): string {
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

export function currentPath(): string {
  return snapshot();
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
  window.scrollTo(0, 0);
}

/** The path without query string and trailing slash. */
export function pathnameOf(location: string): string {
  const p = location.split('?')[0] ?? '/';
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}
