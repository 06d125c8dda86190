import type { AgentJob, AgentJobOutcome, JobScope } from '@tracecheck/protocol';
import type { Unsubscribe } from '../events/event-bus';

/** What happened to a job on the agent, as the replica holding the agent's connection reports it. */
export type JobUpdate =
  | { readonly type: 'accepted'; readonly jobId: string }
  | { readonly type: 'outcome'; readonly jobId: string; readonly outcome: AgentJobOutcome };

/**
 * Carries agent jobs from whichever process dispatches them (any worker) to the process that holds a
 * connection of the job's environment (an api replica), and job updates back. Delivery is at most
 * once: the dispatcher sends a job again until an update arrives, and agents answer a repeated job id
 * with the result they kept. Two adapters: in-process (embedded mode, tests) and NATS core pub/sub.
 */
export interface LinkRelay {
  /**
   * Hands a job to one subscriber of its environment, or to every one when `broadcast` (watches: spans
   * may reach any agent). A job no process subscribes to is dropped.
   */
  sendJob(job: AgentJob, broadcast: boolean): Promise<void>;
  /** Receives the jobs of an environment; resolves once the subscription is in place. */
  subscribeJobs(scope: JobScope, listener: (job: AgentJob) => void): Promise<Unsubscribe>;
  publishUpdate(update: JobUpdate): Promise<void>;
  /** Receives the updates of one job; resolves once the subscription is in place. */
  subscribeUpdates(jobId: string, listener: (update: JobUpdate) => void): Promise<Unsubscribe>;
  close(): Promise<void>;
}

function scopeKey(scope: JobScope): string {
  return JSON.stringify([scope.organizationId, scope.environmentId]);
}

/**
 * The in-process relay: every call stays in this process. Single-target jobs go round-robin over the
 * environment's subscribers. Listeners run on a later microtask, as they would over a network.
 * @example const relay = createMemoryLinkRelay(); const hub = createAgentHub({ relay, ... })
 */
export function createMemoryLinkRelay(): LinkRelay {
  const jobListeners = new Map<string, ((job: AgentJob) => void)[]>();
  const updateListeners = new Map<string, Set<(update: JobUpdate) => void>>();
  let turn = 0;

  return {
    async sendJob(job, broadcast) {
      const listeners = jobListeners.get(scopeKey(job.scope)) ?? [];
      if (listeners.length === 0) return;
      const targets = broadcast ? [...listeners] : [listeners[turn++ % listeners.length]!];
      for (const listener of targets) queueMicrotask(() => listener(job));
    },
    async subscribeJobs(scope, listener) {
      const key = scopeKey(scope);
      const listeners = jobListeners.get(key) ?? [];
      jobListeners.set(key, [...listeners, listener]);
      return () => {
        const remaining = (jobListeners.get(key) ?? []).filter((candidate) => candidate !== listener);
        if (remaining.length === 0) jobListeners.delete(key);
        else jobListeners.set(key, remaining);
      };
    },
    async publishUpdate(update) {
      for (const listener of updateListeners.get(update.jobId) ?? []) queueMicrotask(() => listener(update));
    },
    async subscribeUpdates(jobId, listener) {
      let listeners = updateListeners.get(jobId);
      if (!listeners) {
        listeners = new Set();
        updateListeners.set(jobId, listeners);
      }
      listeners.add(listener);
      return () => {
        const current = updateListeners.get(jobId);
        current?.delete(listener);
        if (current?.size === 0) updateListeners.delete(jobId);
      };
    },
    async close() {
      jobListeners.clear();
      updateListeners.clear();
    },
  };
}
