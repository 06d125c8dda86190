// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} is the expression language's interpolation, not JavaScript's
import { describe, expect, test } from 'vitest';
import { resolveTrigger } from './resolve-trigger';
import type { TriggerRequest } from './trigger';

/** Marks every text it resolves, so the tests see exactly which fields went through it. */
const mark = (text: string) => `R(${text})`;

describe('resolveTrigger', () => {
  test.each<{ name: string; trigger: TriggerRequest; expected: TriggerRequest }>([
    {
      name: 'http: url, header keys and values, body and auth; not method nor sslVerification',
      trigger: {
        type: 'http',
        httpRequest: {
          method: 'post',
          url: 'http://${var:HOST}/x',
          headers: [{ key: 'X-A', value: '${var:A}' }],
          body: '{"id": ${var:ID}}',
          auth: { type: 'apiKey', apiKey: { key: 'k', value: '${var:KEY}', in: 'header' } },
          sslVerification: true,
        },
      },
      expected: {
        type: 'http',
        httpRequest: {
          method: 'post',
          url: 'R(http://${var:HOST}/x)',
          headers: [{ key: 'R(X-A)', value: 'R(${var:A})' }],
          body: 'R({"id": ${var:ID}})',
          auth: { type: 'apiKey', apiKey: { key: 'R(k)', value: 'R(${var:KEY})', in: 'R(header)' } },
          sslVerification: true,
        },
      },
    },
    {
      name: 'http: an empty body is not resolved; basic and bearer auth are',
      trigger: {
        type: 'http',
        httpRequest: {
          method: 'GET',
          url: 'u',
          body: '',
          auth: { type: 'basic', basic: { username: 'a', password: 'b' } },
        },
      },
      expected: {
        type: 'http',
        httpRequest: {
          method: 'GET',
          url: 'R(u)',
          body: '',
          auth: { type: 'basic', basic: { username: 'R(a)', password: 'R(b)' } },
        },
      },
    },
    {
      name: 'grpc: address, method, request, metadata and auth; not the proto files nor tls',
      trigger: {
        type: 'grpc',
        grpc: {
          protobufFile: 'syntax = "proto3"; // ${not}',
          importFiles: [{ path: 'a.proto', content: '${not}' }],
          address: '${var:ADDR}',
          method: 'shop.Orders.Create',
          request: '{"sku": "${var:SKU}"}',
          metadata: [{ key: 'x-tenant', value: '${var:TENANT}' }],
          auth: { type: 'bearer', bearer: { token: '${var:TOKEN}' } },
          tls: { sslVerification: false },
        },
      },
      expected: {
        type: 'grpc',
        grpc: {
          protobufFile: 'syntax = "proto3"; // ${not}',
          importFiles: [{ path: 'a.proto', content: '${not}' }],
          address: 'R(${var:ADDR})',
          method: 'R(shop.Orders.Create)',
          request: 'R({"sku": "${var:SKU}"})',
          metadata: [{ key: 'R(x-tenant)', value: 'R(${var:TENANT})' }],
          auth: { type: 'bearer', bearer: { token: 'R(${var:TOKEN})' } },
          tls: { sslVerification: false },
        },
      },
    },
    {
      name: 'kafka: brokers, topic and messageValue (Q18), key, headers, both spellings of authentication (Q33)',
      trigger: {
        type: 'kafka',
        kafka: {
          brokerUrls: ['${var:BROKER}', 'b:9092'],
          topic: '${var:TOPIC}',
          messageKey: 'order-${uuid()}',
          messageValue: '{"id": ${var:ID}}',
          headers: [{ key: 'source', value: '${var:SOURCE}' }],
          authentication: { type: 'plain', plain: { username: 'u', password: 'p' } },
          authetication: { type: 'plain', plain: { username: 'u2', password: 'p2' } },
          sslVerification: true,
        },
      },
      expected: {
        type: 'kafka',
        kafka: {
          brokerUrls: ['R(${var:BROKER})', 'R(b:9092)'],
          topic: 'R(${var:TOPIC})',
          messageKey: 'R(order-${uuid()})',
          messageValue: 'R({"id": ${var:ID}})',
          headers: [{ key: 'R(source)', value: 'R(${var:SOURCE})' }],
          authentication: { type: 'plain', plain: { username: 'R(u)', password: 'R(p)' } },
          authetication: { type: 'plain', plain: { username: 'R(u2)', password: 'R(p2)' } },
          sslVerification: true,
        },
      },
    },
    {
      name: 'traceid: the id',
      trigger: { type: 'traceid', traceid: { id: '${var:TRACE_ID}' } },
      expected: { type: 'traceid', traceid: { id: 'R(${var:TRACE_ID})' } },
    },
    {
      name: 'graphql: url, headers, auth, query, operation name and every string in the variables',
      trigger: {
        type: 'graphql',
        graphql: {
          url: '${var:URL}',
          headers: [{ key: 'X-A', value: 'a' }],
          auth: { type: 'bearer', bearer: { token: 't' } },
          body: {
            query: 'query Q { a }',
            variables: { id: '${var:ID}', n: 1, nested: { list: ['x', 2] } },
            operationName: 'Q',
          },
          sslVerification: false,
          schema: 'type Query { a: String }',
        },
      },
      expected: {
        type: 'graphql',
        graphql: {
          url: 'R(${var:URL})',
          headers: [{ key: 'R(X-A)', value: 'R(a)' }],
          auth: { type: 'bearer', bearer: { token: 'R(t)' } },
          body: {
            query: 'R(query Q { a })',
            variables: { id: 'R(${var:ID})', n: 1, nested: { list: ['R(x)', 2] } },
            operationName: 'R(Q)',
          },
          sslVerification: false,
          schema: 'type Query { a: String }',
        },
      },
    },
    {
      name: 'integration types: the trace id is ${env:TRACE_ID}, resolved (SPEC §2.7)',
      trigger: { type: 'k6' },
      expected: { type: 'k6', traceid: { id: 'R(${env:TRACE_ID})' } },
    },
  ])('$name', ({ trigger, expected }) => {
    const before = structuredClone(trigger);
    expect(resolveTrigger(trigger, mark)).toEqual(expected);
    expect(trigger).toEqual(before);
  });

  test('Q23: an error of the resolver propagates, so the run fails instead of sending ${…}', () => {
    const resolve = (text: string) => {
      if (text.includes('MISSING')) throw new Error('variable "MISSING" not found');
      return text;
    };
    expect(() =>
      resolveTrigger({ type: 'http', httpRequest: { method: 'GET', url: '${var:MISSING}/x' } }, resolve),
    ).toThrow('variable "MISSING" not found');
  });
});
