import { type DestinationStream, type Logger, pino } from 'pino';
import type { ResolvedAgentConfig } from '../config/agent-config';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly level: ResolvedAgentConfig['logLevel'];
  /** Where JSON lines go; standard output when omitted. */
  readonly destination?: DestinationStream;
}

/**
 * Creates the agent's JSON logger. Components get children of it with their own fields
 * (`component`, and run, test and trace ids where they apply); nothing logs through a global.
 * @example const logger = createLogger({ level: 'info' }); logger.child({ component: 'otlp-http' }).info('listening');
 */
export function createLogger(options: LoggerOptions): Logger {
  const pinoOptions = {
    level: options.level,
    base: { service: 'tracecheck-agent' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}
