import { existsSync } from 'node:fs';
import path from 'node:path';
import { WEB_ASSETS_DIR } from '@tracecheck/web';

/** True when the dashboard was built (`npm run build`), so the API can serve it. */
export function dashboardBuilt(): boolean {
  return existsSync(path.join(WEB_ASSETS_DIR, 'index.html'));
}
