import { hostname } from 'node:os';
import { TracecheckError } from '@tracecheck/core';
import { AGENT_LINK_PATH, type AgentLinkEndpoint, type ServerMessage } from '@tracecheck/protocol';
import WebSocket from 'ws';
import type { Agent } from '../create-agent';
import { type AgentLinkSessionOptions, createAgentLinkSession } from './agent-link-session';

export interface AgentLinkOptions {
  /** The control plane, e.g. `https://tracecheck.example.com` (`ws(s)://` works too). */
  readonly serverUrl: string;
  /** The environment's agent key, sent as `Authorization: Bearer <token>`. */
  readonly token: string;
  readonly agent: Agent;
  /** This agent's version, sent in `hello`. */
  readonly agentVersion: string;
  /** How the agent is listed; default the host name. */
  readonly name?: string;
  /** Waits between connection attempts: doubling from `initialDelayMs` up to `maxDelayMs`, with jitter. */
  readonly reconnect?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  /**
   * A connection that brings no message (the control plane pings) for this long is dropped and
   * dialled again: it catches network losses a socket does not notice (the control plane pings every
   * 10 s). Default 30 s.
   */
  readonly silenceTimeoutMs?: number;
  /** Uniform in [0, 1): the jitter of the reconnect waits. Default `Math.random`. */
  readonly random?: () => number;
  /** Batching, resend and retention settings of the session. */
  readonly session?: Omit<AgentLinkSessionOptions, 'agentVersion' | 'name' | 'onWelcome' | 'onRefused'>;
}

export type AgentLinkStatus = 'connecting' | 'connected' | 'waiting' | 'closed';

/** An agent's link to the control plane: it dials, and dials again after every loss until closed. */
export interface AgentLink {
  status(): AgentLinkStatus;
  /** Resolves once the control plane has welcomed a connection (at once when it already has). */
  waitUntilConnected(): Promise<void>;
  /** Closes the connection and ends the session's watches; no reconnect after it. */
  close(): Promise<void>;
}

/** `https://host/base` → `wss://host/base/api/agent/link`. */
export function agentLinkUrl(serverUrl: string): string {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `the control plane URL "${serverUrl}" is not a URL: give it with its scheme, e.g. https://tracecheck.example.com`,
    );
  }
  const schemes: Readonly<Record<string, string>> = {
    'http:': 'ws:',
    'https:': 'wss:',
    'ws:': 'ws:',
    'wss:': 'wss:',
  };
  const scheme = schemes[url.protocol];
  if (!scheme) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `the control plane URL "${serverUrl}" uses the scheme ${url.protocol.slice(0, -1)}: expected http, https, ws or wss`,
    );
  }
  url.protocol = scheme;
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${AGENT_LINK_PATH}`;
  return url.toString();
}

/**
 * Connects an agent to the control plane over a WebSocket, with an agent key. The link reconnects
 * after any loss with bounded exponential backoff; jobs, results and span chunks live in the session,
 * so nothing is lost or done twice across reconnects.
 * @example
 * const link = connectAgentLink({ serverUrl: 'https://tracecheck.example.com', token, agent, agentVersion: '1.0.0' });
 * await link.waitUntilConnected();
 */
export function connectAgentLink(options: AgentLinkOptions): AgentLink {
  const url = agentLinkUrl(options.serverUrl);
  const initialDelayMs = options.reconnect?.initialDelayMs ?? 500;
  const maxDelayMs = options.reconnect?.maxDelayMs ?? 30_000;
  const silenceTimeoutMs = options.silenceTimeoutMs ?? 30_000;
  const random = options.random ?? Math.random;
  const logger = options.agent.logger.child({ component: 'agent-link', url });

  let status: AgentLinkStatus = 'connecting';
  let failures = 0;
  let socket: WebSocket | undefined;
  let endpoint: AgentLinkEndpoint | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let silenceTimer: NodeJS.Timeout | undefined;
  let waiters: (() => void)[] = [];

  const session = createAgentLinkSession(options.agent, {
    ...options.session,
    agentVersion: options.agentVersion,
    name: options.name ?? hostname(),
    onWelcome: () => {
      status = 'connected';
      failures = 0;
      for (const wake of waiters) wake();
      waiters = [];
    },
    onRefused: () => {
      // No common protocol version: retrying soon cannot help, so wait the longest.
      failures = Number.POSITIVE_INFINITY;
    },
  });

  function armSilenceTimer(ws: WebSocket): void {
    clearTimeout(silenceTimer);
    silenceTimer = setTimeout(() => {
      logger.warn({ silenceTimeoutMs }, 'no message from the control plane: reconnecting');
      ws.terminate();
    }, silenceTimeoutMs);
    silenceTimer.unref();
  }

  function scheduleReconnect(): void {
    if (status === 'closed') return;
    status = 'waiting';
    const exponent = Math.min(failures, 30);
    const baseMs = Math.min(maxDelayMs, initialDelayMs * 2 ** exponent);
    const delayMs = Math.round(baseMs * (0.5 + random() / 2));
    failures += 1;
    retryTimer = setTimeout(dial, delayMs);
  }

  function dial(): void {
    if (status === 'closed') return;
    status = 'connecting';
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${options.token}` },
      handshakeTimeout: 10_000,
    });
    socket = ws;
    ws.on('open', () => {
      armSilenceTimer(ws);
      endpoint = session.open((message) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
      });
    });
    ws.on('message', (data) => {
      armSilenceTimer(ws);
      let value: unknown;
      try {
        value = JSON.parse(String(data));
      } catch {
        logger.warn('the control plane sent a link message that is not JSON; ignored');
        return;
      }
      // The session checks every message (parseServerMessage) before acting on it.
      endpoint?.receive(value as ServerMessage);
    });
    ws.on('unexpected-response', (_request, response) => {
      const code = response.statusCode ?? 0;
      if (code === 401 || code === 403) {
        logger.error(
          { status: code },
          'the control plane refused the agent key: check --api-key (an environment agent key) and that it was not revoked',
        );
        failures = Number.POSITIVE_INFINITY;
      } else {
        logger.warn({ status: code }, 'the control plane answered the link request with an HTTP error');
      }
      ws.terminate();
    });
    ws.on('error', (error) => {
      logger.debug({ err: error }, 'link connection error');
    });
    ws.on('close', () => {
      clearTimeout(silenceTimer);
      endpoint?.close();
      endpoint = undefined;
      if (socket === ws) socket = undefined;
      if (status === 'closed') return;
      if (status === 'connected') logger.warn('lost the connection to the control plane: reconnecting');
      scheduleReconnect();
    });
  }

  dial();

  return {
    status: () => status,
    waitUntilConnected() {
      if (status === 'connected') return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    async close() {
      if (status === 'closed') return;
      status = 'closed';
      clearTimeout(retryTimer);
      clearTimeout(silenceTimer);
      session.close();
      const ws = socket;
      if (!ws || ws.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
        else ws.close(1000, 'agent stopping');
      });
    },
  };
}
