/**
 * The agent's side of the agent link: a session that runs the control plane's jobs (triggers,
 * watches, polls, connection tests, stops) and survives reconnects, and the WebSocket client that
 * dials the control plane with an agent key. In embedded mode the CLI opens the session in-process.
 */
export {
  type AgentLinkSession,
  type AgentLinkSessionOptions,
  createAgentLinkSession,
} from './agent-link-session';
export {
  type AgentLink,
  type AgentLinkOptions,
  type AgentLinkStatus,
  agentLinkUrl,
  connectAgentLink,
} from './connect-agent-link';
