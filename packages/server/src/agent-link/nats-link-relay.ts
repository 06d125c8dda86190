import { Buffer } from 'node:buffer';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { TracecheckError } from '@tracecheck/core';
import type { AgentJob, JobScope } from '@tracecheck/protocol';
import type { Logger } from 'pino';
import type { JobUpdate, LinkRelay } from './link-relay';

export interface NatsLinkRelayOptions {
  /** An open connection; the relay does not close it. */
  readonly connection: NatsConnection;
  /** Subjects start with it; default `tracecheck.link` (tests use their own). */
  readonly subjectPrefix?: string;
  readonly logger: Logger;
}

const SUBJECT_PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Ids may hold any character; a subject token may not hold `.`, `*`, `>` or spaces. */
function token(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url') || '_';
}

/**
 * The relay of the distributed mode, on NATS core pub/sub: single-target jobs on
 * `<prefix>.jobs.<org>.<env>` to a queue group (one replica gets each), broadcast jobs on
 * `<prefix>.broadcast.<org>.<env>`, updates on `<prefix>.updates.<job>`.
 * @example createNatsLinkRelay({ connection: await connectNats(servers, 'api-1'), logger })
 */
export function createNatsLinkRelay(options: NatsLinkRelayOptions): LinkRelay {
  const prefix = options.subjectPrefix ?? 'tracecheck.link';
  if (!SUBJECT_PREFIX.test(prefix)) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `the link subject prefix "${prefix}" is not a NATS subject: use dot-separated words of letters, digits, - and _`,
    );
  }
  const nc = options.connection;
  const subscriptions = new Set<Subscription>();

  const jobSubject = (kind: 'jobs' | 'broadcast', scope: JobScope) =>
    `${prefix}.${kind}.${token(scope.organizationId)}.${token(scope.environmentId)}`;

  function subscribe<T>(
    subject: string,
    queue: string | undefined,
    listener: (value: T) => void,
  ): () => void {
    const subscription = nc.subscribe(subject, {
      ...(queue ? { queue } : {}),
      callback: (error, message) => {
        if (error) {
          options.logger.warn({ err: error, subject }, 'link relay subscription failed');
          return;
        }
        let value: T;
        try {
          value = JSON.parse(decoder.decode(message.data)) as T;
        } catch (parseError) {
          options.logger.warn({ err: parseError, subject }, 'link relay message is not JSON; dropped');
          return;
        }
        listener(value);
      },
    });
    subscriptions.add(subscription);
    return () => {
      subscriptions.delete(subscription);
      subscription.unsubscribe();
    };
  }

  return {
    async sendJob(job, broadcast) {
      nc.publish(
        jobSubject(broadcast ? 'broadcast' : 'jobs', job.scope),
        encoder.encode(JSON.stringify(job)),
      );
    },
    async subscribeJobs(scope, listener) {
      const single = subscribe<AgentJob>(jobSubject('jobs', scope), `${prefix}.agents`, listener);
      const broadcast = subscribe<AgentJob>(jobSubject('broadcast', scope), undefined, listener);
      // The server has the interest once the subscriptions are flushed: a job sent next reaches them.
      await nc.flush();
      return () => {
        single();
        broadcast();
      };
    },
    async publishUpdate(update) {
      nc.publish(`${prefix}.updates.${token(update.jobId)}`, encoder.encode(JSON.stringify(update)));
    },
    async subscribeUpdates(jobId, listener) {
      const unsubscribe = subscribe<JobUpdate>(`${prefix}.updates.${token(jobId)}`, undefined, listener);
      await nc.flush();
      return unsubscribe;
    },
    async close() {
      for (const subscription of subscriptions) subscription.unsubscribe();
      subscriptions.clear();
    },
  };
}
