import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Serves the dashboard's built files from `dir` for GET requests outside `/api`; any other path is a
 * page of the single-page app and gets `index.html`. Returns false when it did not answer.
 */
export function createWebAssetsHandler(dir: string) {
  const root = path.resolve(dir);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || request.url.startsWith('/api'))
      return false;
    const pathname = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    const candidate = path.resolve(root, `.${pathname}`);
    // Never outside the assets folder, whatever the path says.
    const inside = candidate === root || candidate.startsWith(`${root}${path.sep}`);
    const file =
      inside && (await stat(candidate).catch(() => undefined))?.isFile()
        ? candidate
        : path.join(root, 'index.html');
    const body = await readFile(file).catch(() => undefined);
    if (!body) return false;
    const immutable = file.includes(`${path.sep}assets${path.sep}`);
    await reply
      .status(200)
      .header('content-type', CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream')
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(body);
    return true;
  };
}
