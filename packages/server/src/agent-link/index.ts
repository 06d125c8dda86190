/**
 * The control plane's end of the agent link: the hub that dispatches jobs to agents and stores the
 * spans they push, the relays that carry jobs between processes (in-process, NATS), the WebSocket
 * route agents dial, and the in-process connection of embedded mode.
 */
export {
  type AgentHub,
  type AgentHubOptions,
  type ConnectedAgent,
  createAgentHub,
  type DispatchOptions,
  type LinkConnection,
  type LinkTransport,
} from './agent-hub';
export { connectInProcessAgent } from './connect-in-process-agent';
export { createMemoryLinkRelay, type JobUpdate, type LinkRelay } from './link-relay';
export { createNatsLinkRelay, type NatsLinkRelayOptions } from './nats-link-relay';
export {
  type AgentLinkRouteOptions,
  type AuthenticateAgent,
  registerAgentLinkRoute,
} from './register-agent-link-route';
