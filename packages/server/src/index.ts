/**
 * @tracecheck/server — the control plane: storage, work queue, live events, HTTP API, run pipeline and
 * the control plane's end of the agent link. The CLI composes them (`tracecheck start`, `tracecheck
 * server`).
 */
export * from './agent-link/index';
export * from './api/index';
export * from './control-plane';
export * from './events/index';
export * from './identity/index';
export * from './identity/sso/index';
export * from './monitors/index';
export * from './pipeline/index';
export * from './queue/index';
export * from './store/index';
