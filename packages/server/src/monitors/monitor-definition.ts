import { TracecheckError, WEBHOOK_METHODS } from '@tracecheck/core';
import { z } from 'zod/v4';
import type { StoredResource } from '../store/store';

/** What ends a monitor run, as alerts name it. */
export type MonitorRunEvent = 'FAILED' | 'SUCCEEDED';

export interface MonitorAlertDefinition {
  /** The alert's `id`, or `alert-<n>` (1-based position) when it has none. */
  readonly id: string;
  readonly url: string;
  readonly method: (typeof WEBHOOK_METHODS)[number];
  /** A Go text/template (`{{ .Monitor.name }}`); absent: the JSON body of `buildAlertPayload`. */
  readonly body?: string;
  readonly headers: readonly { readonly key: string; readonly value: string }[];
  readonly sslVerification: boolean;
  /** As stored: sealed when the server has a secret box. */
  readonly secret?: string;
  readonly events: ReadonlySet<MonitorRunEvent>;
}

/** A stored `Monitor` (SPEC §1.13) as the scheduler uses it. */
export interface MonitorDefinition {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly variableSetId?: string;
  readonly tests: readonly string[];
  readonly testSuites: readonly string[];
  readonly schedule?: { readonly cron: string; readonly timeZone: string };
  readonly alerts: readonly MonitorAlertDefinition[];
  /** When the definition last changed: ticks before it do not run. */
  readonly updatedAt: Date;
}

const StoredMonitorSchema = z.object({
  name: z.string().optional(),
  enabled: z.boolean().optional(),
  variableSetId: z.string().optional(),
  tests: z.array(z.string()).optional(),
  testSuites: z.array(z.string()).optional(),
  schedule: z.object({ cron: z.string(), timeZone: z.string().optional() }).optional(),
  alerts: z
    .array(
      z.object({
        id: z.string().optional(),
        type: z.literal('webhook').optional(),
        webhook: z.object({
          url: z.string(),
          method: z
            .string()
            .transform((method) => method.toUpperCase())
            .pipe(z.enum(WEBHOOK_METHODS))
            .optional(),
          body: z.string().optional(),
          headers: z.array(z.object({ key: z.string(), value: z.string() })).optional(),
          sslVerification: z.boolean().optional(),
          secret: z.string().optional(),
        }),
        events: z.array(z.string()),
      }),
    )
    .optional(),
});

function eventsOf(names: readonly string[]): Set<MonitorRunEvent> {
  const events = new Set<MonitorRunEvent>();
  for (const name of names.map((event) => event.toUpperCase())) {
    if (name === 'FAILED' || name === 'FINISHED' || name === 'ALL') events.add('FAILED');
    if (name === 'SUCCEEDED' || name === 'FINISHED' || name === 'ALL') events.add('SUCCEEDED');
  }
  return events;
}

/**
 * Reads a stored Monitor. The API validated it on apply (the definition reader of core); this check
 * guards against rows written otherwise.
 * @example readMonitorDefinition(await store.getResource(scope, 'Monitor', 'checkout'))
 */
export function readMonitorDefinition(resource: StoredResource): MonitorDefinition {
  const parsed = StoredMonitorSchema.safeParse(resource.spec);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TracecheckError(
      'DEFINITION_INVALID',
      `monitor "${resource.id}" is stored with an invalid spec (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}): ` +
        'apply its definition again',
      { monitorId: resource.id },
    );
  }
  const spec = parsed.data;
  return {
    id: resource.id,
    name: spec.name ?? resource.id,
    enabled: spec.enabled === true,
    ...(spec.variableSetId ? { variableSetId: spec.variableSetId } : {}),
    tests: spec.tests ?? [],
    testSuites: spec.testSuites ?? [],
    ...(spec.schedule
      ? { schedule: { cron: spec.schedule.cron, timeZone: spec.schedule.timeZone || 'UTC' } }
      : {}),
    alerts: (spec.alerts ?? []).map((alert, index) => ({
      id: alert.id ?? `alert-${index + 1}`,
      url: alert.webhook.url,
      method: alert.webhook.method ?? 'POST',
      ...(alert.webhook.body === undefined ? {} : { body: alert.webhook.body }),
      headers: alert.webhook.headers ?? [],
      sslVerification: alert.webhook.sslVerification ?? true,
      ...(alert.webhook.secret ? { secret: alert.webhook.secret } : {}),
      events: eventsOf(alert.events),
    })),
    updatedAt: resource.updatedAt,
  };
}
