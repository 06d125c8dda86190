/**
 * The server's view of the dashboard: where its built assets are. The browser code starts at
 * `main.tsx`; nothing here is bundled.
 */
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the built dashboard (`index.html`, `assets/`), made by `npm run build -w @tracecheck/web`.
 * The server serves it under `/` and answers `index.html` for any other page path (the dashboard routes
 * in the browser).
 * @example fastify.register(fastifyStatic, { root: WEB_ASSETS_DIR })
 */
export const WEB_ASSETS_DIR: string = fileURLToPath(new URL('../dist/', import.meta.url));
