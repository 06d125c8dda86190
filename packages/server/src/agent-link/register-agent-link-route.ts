import fastifyWebsocket from '@fastify/websocket';
import { TracecheckError } from '@tracecheck/core';
import { AGENT_LINK_PATH, toApiErrorBody } from '@tracecheck/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Scope } from '../store/store';
import type { AgentHub } from './agent-hub';

/** Tells which environment an agent key belongs to; `undefined` for a key that is unknown, expired or revoked. */
export type AuthenticateAgent = (token: string) => Promise<Scope | undefined>;

export interface AgentLinkRouteOptions {
  readonly hub: AgentHub;
  readonly authenticateAgent: AuthenticateAgent;
  /** The largest message an agent may send (a chunk of spans). Default 64 MiB. */
  readonly maxMessageBytes?: number;
}

function readBearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Serves the agent link (`GET /api/agent/link`, a WebSocket) on the API's Fastify instance. An agent
 * authenticates with `Authorization: Bearer <agent key>`; a missing or unknown key is answered 401
 * before the upgrade. Call it before the server listens.
 * @example await registerAgentLinkRoute(app, { hub, authenticateAgent: async (key) => keys.get(key) });
 */
export async function registerAgentLinkRoute(
  app: FastifyInstance,
  options: AgentLinkRouteOptions,
): Promise<void> {
  if (!app.hasDecorator('websocketServer')) {
    await app.register(fastifyWebsocket, {
      options: { maxPayload: options.maxMessageBytes ?? 64 * 1024 * 1024 },
    });
  }
  const scopes = new WeakMap<FastifyRequest, Scope>();

  app.get(
    AGENT_LINK_PATH,
    {
      websocket: true,
      preValidation: async (request, reply) => {
        const token = readBearerToken(request);
        const scope = token === undefined ? undefined : await options.authenticateAgent(token);
        if (scope === undefined) {
          const error = new TracecheckError(
            token === undefined ? 'AUTH_REQUIRED' : 'AUTH_INVALID_TOKEN',
            token === undefined
              ? 'the agent link needs an agent key: send it as "Authorization: Bearer <key>" (tracecheck agent --api-key <key>)'
              : 'the agent key is unknown, expired or revoked: create a new agent key for the environment',
          );
          await reply.status(error.httpStatus).send(toApiErrorBody(error));
          return;
        }
        scopes.set(request, scope);
      },
    },
    (socket, request) => {
      const scope = scopes.get(request);
      if (!scope) {
        socket.close(1008, 'not authenticated');
        return;
      }
      const connection = options.hub.accept(scope, {
        send: (message) => {
          if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
        },
        close: (reason) => socket.close(1000, reason.slice(0, 120)),
      });
      socket.on('message', (data) => {
        let value: unknown;
        try {
          value = JSON.parse(String(data));
        } catch {
          request.log.warn({ ...scope }, 'an agent sent a link message that is not JSON; ignored');
          return;
        }
        connection.receive(value);
      });
      socket.on('close', () => connection.closed());
      socket.on('error', (error) => request.log.debug({ err: error }, 'agent link socket error'));
    },
  );
}
