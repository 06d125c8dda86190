// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} is the expression language's interpolation, not JavaScript's
import type { Trigger } from '@tracecheck/core';
import { describe, expect, it } from 'vitest';
import { findReferencedVariables } from './referenced-variables';

const http = (request: Partial<Extract<Trigger, { type: 'http' }>['httpRequest']>): Trigger => ({
  type: 'http',
  httpRequest: { method: 'GET', url: 'http://x', headers: [], body: '', sslVerification: false, ...request },
});

describe('findReferencedVariables (SPEC §6.3)', () => {
  it.each<[string, Trigger, { value: string }[], string[]]>([
    [
      'an http url, headers, body and auth',
      http({
        url: '${var:HOST}/orders',
        headers: [{ key: 'X-${env:HEADER}', value: '${var:TOKEN}' }],
        body: '{"sku": "${var:SKU}"}',
        auth: { type: 'basic', basic: { username: '${var:USER}', password: 'fixed' } },
      }),
      [],
      ['HOST', 'HEADER', 'TOKEN', 'SKU', 'USER'],
    ],
    [
      'each name once, in order of first reference',
      http({ url: '${var:A}/${var:B}/${var:A}' }),
      [],
      ['A', 'B'],
    ],
    [
      'output values are expressions',
      http({}),
      [{ value: 'env:SUFFIX' }, { value: '"${var:PREFIX}-x"' }],
      ['SUFFIX', 'PREFIX'],
    ],
    [
      'a grpc trigger',
      {
        type: 'grpc',
        grpc: {
          protobufFile: '${var:NOT_RESOLVED}',
          address: '${var:ADDRESS}',
          method: 'pkg.S.M',
          request: '{"id": ${var:ID}}',
        },
      },
      [],
      ['ADDRESS', 'ID'],
    ],
    [
      'a kafka trigger, topic and message value included (Q18)',
      {
        type: 'kafka',
        kafka: { brokerUrls: ['${var:BROKER}'], topic: '${var:TOPIC}', messageValue: '${var:VALUE}' },
      },
      [],
      ['BROKER', 'TOPIC', 'VALUE'],
    ],
    ['a trace-id trigger', { type: 'traceid', traceid: { id: '${var:TRACE}' } }, [], ['TRACE']],
    ['an integration trigger reads env:TRACE_ID (§2.7)', { type: 'cypress' }, [], ['TRACE_ID']],
    [
      'graphql variables, deep',
      {
        type: 'graphql',
        graphql: { url: 'http://x', body: { query: 'q', variables: { nested: '${var:DEEP}' } } },
      },
      [],
      ['DEEP'],
    ],
    [
      'assertions are not scanned: a plain trigger needs nothing',
      http({ url: 'http://shop/health' }),
      [],
      [],
    ],
  ])('%s', (_, trigger, outputs, expected) => {
    expect(
      findReferencedVariables({
        trigger,
        outputs: outputs.map((o, i) => ({ name: `O${i}`, selector: '', value: o.value })),
      }),
    ).toEqual(expected);
  });
});
