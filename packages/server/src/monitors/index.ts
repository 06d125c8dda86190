/**
 * Monitors (SPEC §1.13): tests and suites run on a cron schedule with a time zone, each tick once
 * across all replicas, and webhooks called on the events chosen. The store part is `Store.monitors`.
 */

export type * from '../store/monitor-store';
export type { AlertPayload, AlertRunView } from './alert-payload';
export { type CronSchedule, parseCronSchedule } from './cron-schedule';
export {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  type WebhookOptions,
  type WebhookRetryPolicy,
} from './deliver-webhook';
export {
  createMonitorRunner,
  createMonitorScheduler,
  type MonitorRunner,
  type MonitorScheduler,
  type MonitorSchedulerOptions,
} from './monitor-scheduler';
export type { WebhookNetworkPolicy } from './webhook-network-policy';
