import { expect, test } from 'vitest';
import { responseAttributes } from './response-attributes';
import type { TriggerOutcome } from './trigger';

test.each<{ name: string; outcome: TriggerOutcome; attributes: Record<string, string> }>([
  {
    name: 'http: status code as text, body, headers as a JSON array',
    outcome: {
      type: 'http',
      http: {
        status: '201 Created',
        statusCode: 201,
        headers: [{ key: 'Content-Type', value: 'application/json' }],
        body: '{"ok":true}',
      },
    },
    attributes: {
      'tracetest.response.status': '201',
      'tracetest.response.body': '{"ok":true}',
      'tracetest.response.headers': '[{"key":"Content-Type","value":"application/json"}]',
    },
  },
  {
    name: 'http without headers: headers are null',
    outcome: { type: 'http', http: { status: '204 No Content', statusCode: 204, headers: [], body: '' } },
    attributes: {
      'tracetest.response.status': '204',
      'tracetest.response.body': '',
      'tracetest.response.headers': 'null',
    },
  },
  {
    name: 'graphql is exposed as http (Q19)',
    outcome: {
      type: 'graphql',
      graphql: { status: '200 OK', statusCode: 200, headers: [], body: '{"data":{}}' },
    },
    attributes: {
      'tracetest.response.status': '200',
      'tracetest.response.body': '{"data":{}}',
      'tracetest.response.headers': 'null',
    },
  },
  {
    name: 'grpc: numeric status, body, metadata as headers',
    outcome: {
      type: 'grpc',
      grpc: { status: 'NotFound', statusCode: 5, metadata: [{ key: 'x-a', value: '1' }], body: '' },
    },
    attributes: {
      'tracetest.response.status': '5',
      'tracetest.response.body': '',
      'tracetest.response.headers': '[{"key":"x-a","value":"1"}]',
    },
  },
  {
    name: 'kafka sets none',
    outcome: { type: 'kafka', kafka: { partition: '0', offset: '7' } },
    attributes: {},
  },
  {
    name: 'a failure sets none',
    outcome: {
      type: 'http',
      error: { connectionError: true, runningOnContainer: false, targetsLocalhost: true, message: 'refused' },
    },
    attributes: {},
  },
])('$name', ({ outcome, attributes }) => {
  expect(responseAttributes({ ...outcome, startedAtMs: 1, completedAtMs: 2 })).toEqual(attributes);
});
