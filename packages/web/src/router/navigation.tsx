/**
 * History-based navigation without a router library: the current route is read from `location` and
 * changes through `navigate` (or the browser's back and forward buttons).
 */
import { type AnchorHTMLAttributes, type MouseEvent, type Ref, useSyncExternalStore } from 'react';
import { parseRoute, type Route } from './routes';

const NAVIGATE_EVENT = 'tracecheck:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

function readHref(): string {
  return `${window.location.pathname}${window.location.search}`;
}

/** Goes to `href` (path and query) inside the dashboard; `replace` keeps the history entry. */
export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (href === readHref()) return;
  const samePage = new URL(href, window.location.href).pathname === window.location.pathname;
  if (options.replace) window.history.replaceState(null, '', href);
  else window.history.pushState(null, '', href);
  // A new page starts at its top, as after a page load; Back and Forward restore the position by themselves.
  if (!samePage) window.scrollTo(0, 0);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/** The current route; re-renders on every navigation. */
export function useRoute(): Route {
  const href = useSyncExternalStore(subscribe, readHref);
  const url = new URL(href, 'http://dashboard.invalid');
  return parseRoute(url.pathname, url.search);
}

/** True for a click the browser should handle itself (new tab, download, another button). */
function isModifiedClick(event: MouseEvent<HTMLAnchorElement>): boolean {
  return event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
}

export interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  readonly to: string;
  readonly replace?: boolean;
  readonly ref?: Ref<HTMLAnchorElement>;
}

/** An `<a>` that navigates inside the dashboard; a modified click opens a new tab as usual. */
export function Link({ to, replace, onClick, ...rest }: LinkProps) {
  return (
    <a
      {...rest}
      href={to}
      onClick={(event) => {
        onClick?.(event);
        if (event.defaultPrevented || isModifiedClick(event)) return;
        event.preventDefault();
        navigate(to, { replace: replace ?? false });
      }}
    />
  );
}
