/** Sets the browser tab's title for the current page. */
import { useEffect } from 'react';

export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title === '' ? 'Tracecheck' : `${title} · Tracecheck`;
  }, [title]);
}
