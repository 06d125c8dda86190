import type { Agent, AgentAddresses } from './create-agent';

/** The part of `process` that delivers termination signals; injected so tests can send them. */
export interface SignalSource {
  once(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface RunAgentProcessOptions {
  /** `process` when omitted. */
  readonly signals?: SignalSource;
  /** Called once the receivers listen (the CLI prints where). */
  readonly onStarted?: (addresses: AgentAddresses) => void;
}

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Runs an agent as a long-lived process (`tracecheck agent`): starts it, waits for SIGINT or SIGTERM,
 * then stops it gracefully. Resolves once the agent has stopped.
 * @example await runAgentProcess(createAgent(resolveAgentConfig({ flags, file })));
 */
export async function runAgentProcess(agent: Agent, options: RunAgentProcessOptions = {}): Promise<void> {
  const signals = options.signals ?? process;
  let removeSignalListeners: (() => void) | undefined;
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    const listeners = STOP_SIGNALS.map((signal) => [signal, () => resolve(signal)] as const);
    for (const [signal, listener] of listeners) signals.once(signal, listener);
    removeSignalListeners = () => {
      for (const [signal, listener] of listeners) signals.off(signal, listener);
    };
  });
  try {
    const addresses = await agent.start();
    options.onStarted?.(addresses);
    const signal = await signalled;
    agent.logger.info({ signal }, 'stopping the agent');
    await agent.stop();
  } finally {
    removeSignalListeners?.();
  }
}
