import { describe, expect, it } from 'vitest';
import type { TriggerView } from '../api/api-types';
import { describeTrigger } from './describe-trigger';

describe('describeTrigger', () => {
  it.each<{ trigger: TriggerView | null; text: string }>([
    {
      trigger: { type: 'http', httpRequest: { method: 'POST', url: 'http://shop/orders' } },
      text: 'POST http://shop/orders',
    },
    { trigger: { type: 'http', httpRequest: { url: 'http://shop/' } }, text: 'GET http://shop/' },
    {
      trigger: { type: 'grpc', grpc: { address: 'cart:9000', method: 'shop.Cart.Add' } },
      text: 'cart:9000 shop.Cart.Add',
    },
    { trigger: { type: 'kafka', kafka: { topic: 'orders' } }, text: 'Kafka topic orders' },
    {
      trigger: { type: 'traceid', traceid: { id: '4bf92f3577b34da6a3ce929d0e0e4736' } },
      text: 'Trace id 4bf92f3577b34da6a3ce929d0e0e4736',
    },
    { trigger: { type: 'cypress' }, text: 'cypress' },
    { trigger: null, text: '' },
  ])('describes $trigger.type as "$text"', ({ trigger, text }) => {
    expect(describeTrigger(trigger)).toBe(text);
  });
});
