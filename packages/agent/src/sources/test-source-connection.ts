import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { TraceId } from '@tracecheck/core';
import { dataStoreFailureOf, describeError } from './data-store-error';
import type { ConnectionTestResult, ConnectionTestStep, FetchTraceResult } from './trace-source';

/** One address a source talks to. */
export interface SourceAddress {
  readonly host: string;
  readonly port: number;
}

export interface ConnectionTestPlan {
  /** Backend name for messages, e.g. `Jaeger`. */
  readonly backend: string;
  /** Addresses tried in order; the port step passes when one accepts a TCP connection. */
  readonly addresses: readonly SourceAddress[];
  /** Fetches a trace through the source's real code path. */
  readonly fetchTrace: (traceId: TraceId) => Promise<FetchTraceResult>;
  readonly newTraceId: () => TraceId;
  /** Limit of the TCP connection attempt of the port step. */
  readonly timeoutMs: number;
}

/** A random trace id: the fetch step looks for a trace that almost surely does not exist. */
export function randomTraceId(): TraceId {
  return randomBytes(16).toString('hex') as TraceId;
}

/** `text` ending with a full stop. */
export function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function showAddress(address: SourceAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

function openTcpConnection(address: SourceAddress, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: address.host, port: address.port });
    const finish = (error: string | undefined): void => {
      socket.destroy();
      resolve(error);
    };
    socket.setTimeout(timeoutMs, () => finish(`no answer within ${timeoutMs} ms`));
    socket.once('connect', () => finish(undefined));
    socket.once('error', (error) => finish(describeError(error)));
  });
}

/**
 * Runs the connection test steps of a source: `port` (a TCP connection to its address), then one
 * fetch of a random trace id through the source, whose outcome decides `connectivity` (an answer came),
 * `authentication` (it was not a refusal of the credentials) and `fetch` (it was a trace or "not
 * found"). Steps stop at the first failure.
 */
export async function testSourceConnection(plan: ConnectionTestPlan): Promise<ConnectionTestResult> {
  const steps: ConnectionTestStep[] = [];
  const fail = (step: ConnectionTestStep): ConnectionTestResult => ({
    passed: false,
    steps: [...steps, step],
  });

  const portErrors: string[] = [];
  let reached: SourceAddress | undefined;
  for (const address of plan.addresses) {
    const error = await openTcpConnection(address, plan.timeoutMs);
    if (error === undefined) {
      reached = address;
      break;
    }
    portErrors.push(`${showAddress(address)} (${error})`);
  }
  if (!reached) {
    return fail({
      step: 'port',
      passed: false,
      message: `Could not open a TCP connection to ${plan.backend} at ${plan.addresses.map(showAddress).join(', ')}: check the host name and port, and that ${plan.backend} is running and reachable from the agent (firewalls, network policies).`,
      error: portErrors.join('; '),
    });
  }
  steps.push({
    step: 'port',
    passed: true,
    message: `Opened a TCP connection to ${plan.backend} at ${showAddress(reached)}.`,
  });

  let outcome: FetchTraceResult;
  try {
    outcome = await plan.fetchTrace(plan.newTraceId());
  } catch (error) {
    const text = describeError(error);
    const failure = dataStoreFailureOf(error);
    if (failure === 'unreachable' || failure === 'timeout') {
      return fail({
        step: 'connectivity',
        passed: false,
        message: sentence(`The port is open but ${plan.backend} did not answer a request: ${text}`),
        error: text,
      });
    }
    steps.push({ step: 'connectivity', passed: true, message: `${plan.backend} answered a request.` });
    if (failure === 'unauthorized') {
      return fail({
        step: 'authentication',
        passed: false,
        message: `${plan.backend} refused the credentials: check the user name and password, token or headers of the data store.`,
        error: text,
      });
    }
    steps.push({
      step: 'authentication',
      passed: true,
      message: `${plan.backend} accepted the request's credentials.`,
    });
    return fail({
      step: 'fetch',
      passed: false,
      message: sentence(`${plan.backend} could not look up a trace: ${text}`),
      error: text,
    });
  }
  steps.push(
    { step: 'connectivity', passed: true, message: `${plan.backend} answered a request.` },
    { step: 'authentication', passed: true, message: `${plan.backend} accepted the request's credentials.` },
    {
      step: 'fetch',
      passed: true,
      message: outcome.found
        ? `${plan.backend} returned a trace when asked for one by id.`
        : `${plan.backend} answered a lookup by trace id (a random id, reported as not found, as expected).`,
    },
  );
  return { passed: true, steps };
}
