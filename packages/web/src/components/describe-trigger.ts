import type { TriggerView } from '../api/api-types';

/** One line saying what a trigger does: `GET http://…`, `grpc shop.Cart/Add`, … */
export function describeTrigger(trigger: TriggerView | null | undefined): string {
  if (!trigger) return '';
  // The request object is named after the type, except HTTP's, which is `httpRequest` (SPEC §2).
  const body = trigger[trigger.type === 'http' ? 'httpRequest' : trigger.type];
  const field = (name: string): string => {
    if (typeof body !== 'object' || body === null) return '';
    const value = (body as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : '';
  };
  switch (trigger.type) {
    case 'http':
      return `${field('method') || 'GET'} ${field('url')}`.trim();
    case 'grpc':
      return `${field('address')} ${field('method')}`.trim();
    case 'graphql':
      return `GraphQL ${field('url')}`.trim();
    case 'kafka':
      return `Kafka topic ${field('topic')}`.trim();
    case 'traceid':
      return `Trace id ${field('id')}`.trim();
    default:
      return trigger.type;
  }
}
