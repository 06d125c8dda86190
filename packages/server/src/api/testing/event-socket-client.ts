import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';

/** A WebSocket client of `/api/events/ws` for tests: every message parsed, the close code kept. */
export interface EventSocketClient {
  readonly socket: WebSocket;
  /** Messages received so far, parsed. */
  readonly messages: unknown[];
  /** Pings received from the server. */
  readonly pings: () => number;
  /** The close code once closed. */
  readonly closeCode: () => number | undefined;
  send(value: unknown): void;
  /** Waits until `condition` holds (checked every 10 ms), failing after `timeoutMs` with `what`. */
  waitFor(condition: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the live-event socket at `url` (`ws://host:port/api/events/ws?...`); rejects with the HTTP
 * status when the server refuses the upgrade (`Error: refused 404 {...body}`).
 * @example const client = await openEventSocket(`${wsBase}/api/events/ws?runId=1`)
 */
export async function openEventSocket(
  url: string,
  headers: Record<string, string> = {},
): Promise<EventSocketClient> {
  const socket = new WebSocket(url, { headers });
  const messages: unknown[] = [];
  let pings = 0;
  let closeCode: number | undefined;
  socket.on('message', (data) => messages.push(JSON.parse(String(data))));
  socket.on('ping', () => {
    pings += 1;
  });
  socket.on('close', (code) => {
    closeCode = code;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      response.on('end', () => reject(new Error(`refused ${response.statusCode} ${body}`)));
    });
    socket.once('error', reject);
  });
  const waitFor = async (condition: () => boolean, what: string, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify(messages)}`,
        );
      }
      await sleep(10);
    }
  };
  return {
    socket,
    messages,
    pings: () => pings,
    closeCode: () => closeCode,
    send: (value) => socket.send(JSON.stringify(value)),
    waitFor,
    async close() {
      if (closeCode !== undefined) return;
      socket.close();
      await waitFor(() => closeCode !== undefined, 'the socket to close');
    },
  };
}
