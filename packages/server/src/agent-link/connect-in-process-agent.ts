import type { AgentLinkEndpoint, JobScope, OpenAgentLinkEndpoint } from '@tracecheck/protocol';
import type { AgentHub } from './agent-hub';

/**
 * Connects the agent of this process to the hub (embedded mode): the same messages as over the
 * WebSocket, handed over on a later microtask instead of a socket. Returns the function that
 * disconnects it.
 * @example
 * const disconnect = connectInProcessAgent(hub, scope, (send) => agentSession.open(send));
 */
export function connectInProcessAgent(
  hub: AgentHub,
  scope: JobScope,
  open: OpenAgentLinkEndpoint,
): () => void {
  let endpoint: AgentLinkEndpoint | undefined;
  let connected = true;
  const connection = hub.accept(scope, {
    send: (message) => queueMicrotask(() => endpoint?.receive(message)),
    close: () => disconnect(),
  });
  endpoint = open((message) => queueMicrotask(() => (connected ? connection.receive(message) : undefined)));
  function disconnect(): void {
    if (!connected) return;
    connected = false;
    endpoint?.close();
    connection.closed();
  }
  return disconnect;
}
