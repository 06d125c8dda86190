import { describe, expect, test } from 'vitest';
import { fireTrigger } from './fire-trigger';
import { responseAttributes } from './response-attributes';
import { createTestContext } from './testing/local-server';
import type { TriggerRequest } from './trigger';

const CONTEXT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('trace-id based triggers', () => {
  test.each<{ name: string; trigger: TriggerRequest; id: string; warned: boolean }>([
    {
      name: 'a 32-hex id becomes the run trace id',
      trigger: { type: 'traceid', traceid: { id: '0af7651916cd43dd8448eb211c80319c' } },
      id: '0af7651916cd43dd8448eb211c80319c',
      warned: false,
    },
    {
      name: 'upper case and surrounding spaces are accepted',
      trigger: { type: 'traceid', traceid: { id: ' 0AF7651916CD43DD8448EB211C80319C ' } },
      id: '0af7651916cd43dd8448eb211c80319c',
      warned: false,
    },
    {
      name: 'an id that is not 32 hex keeps the context trace id, with a warning',
      trigger: { type: 'traceid', traceid: { id: 'not-a-trace-id' } },
      id: CONTEXT_TRACE_ID,
      warned: true,
    },
    {
      name: 'the all-zero id is invalid',
      trigger: { type: 'traceid', traceid: { id: '0'.repeat(32) } },
      id: CONTEXT_TRACE_ID,
      warned: true,
    },
    {
      name: 'an integration type uses its resolved trace id',
      trigger: { type: 'cypress', traceid: { id: '0af7651916cd43dd8448eb211c80319c' } },
      id: '0af7651916cd43dd8448eb211c80319c',
      warned: false,
    },
    {
      name: 'an integration type that was not resolved keeps the context trace id',
      trigger: { type: 'artillery' },
      id: CONTEXT_TRACE_ID,
      warned: true,
    },
  ])('$name', async ({ trigger, id, warned }) => {
    const result = await fireTrigger(trigger, createTestContext());
    if (result.error || !('traceid' in result)) throw new Error('expected a trace id response');
    expect(result.type).toBe(trigger.type);
    expect(result.traceid.id).toBe(id);
    expect(result.traceid.warning !== undefined).toBe(warned);
    if (warned) expect(result.traceid.warning).toContain(`keeps its generated trace id ${CONTEXT_TRACE_ID}`);
    expect(responseAttributes(result)).toEqual({});
  });
});
