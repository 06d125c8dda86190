/**
 * @tracecheck/protocol — pure: the wire shapes the control plane, the agent, the CLI, the SDK and the
 * dashboard share. No `node:*` imports.
 */
export * from './agent-link';
export * from './api-error';
