import { decodeOtlpJson, parseTraceId, traceFromRecords } from '@tracecheck/core';
import { buildTrace } from '@tracecheck/core/testing';
import { describe, expect, it } from 'vitest';
import { groupAttributes, groupOfKey } from './group-attributes';

describe('groupOfKey', () => {
  const none = new Set<string>();
  it.each([
    { key: 'http.request.method', type: 'http', group: 'http' },
    { key: 'url.full', type: 'http', group: 'http' },
    { key: 'db.statement', type: 'database', group: 'database' },
    { key: 'messaging.destination.name', type: 'messaging', group: 'messaging' },
    { key: 'rpc.service', type: 'rpc', group: 'rpc' },
    { key: 'faas.trigger', type: 'faas', group: 'faas' },
    { key: 'exception.message', type: 'http', group: 'exception' },
    // Connection attributes follow the span's protocol.
    { key: 'server.address', type: 'database', group: 'database' },
    { key: 'net.peer.name', type: 'http', group: 'http' },
    { key: 'net.peer.name', type: 'general', group: 'span' },
    { key: 'service.name', type: 'http', group: 'resource' },
    { key: 'k8s.pod.name', type: 'http', group: 'resource' },
    { key: 'tracetest.span.duration', type: 'http', group: 'tracecheck' },
    { key: 'span.events', type: 'http', group: 'tracecheck' },
    { key: 'order.id', type: 'http', group: 'span' },
  ] as const)('puts $key of a $type span in $group', ({ key, type, group }) => {
    expect(groupOfKey(key, type, none)).toBe(group);
  });

  it('puts a key the OTLP resource set in the resource group, whatever its prefix', () => {
    expect(groupOfKey('http.client.library', 'http', new Set(['http.client.library']))).toBe('resource');
  });
});

describe('groupAttributes', () => {
  it('lists non-empty groups in display order, keys sorted', () => {
    const trace = buildTrace([
      {
        id: 1,
        name: 'GET /x',
        kind: 'server',
        startMs: 0,
        endMs: 1,
        attributes: {
          'http.route': '/x',
          'http.method': 'GET',
          'service.name': 'api',
          'order.id': '7',
          'exception.type': 'Boom',
        },
      },
    ]);
    const groups = groupAttributes(trace.spans[0]!);
    expect(groups.map((group) => group.title)).toEqual([
      'HTTP',
      'Exception',
      'Other attributes',
      'Resource',
      'Tracecheck',
    ]);
    expect(groups[0]!.entries).toEqual([
      ['http.method', 'GET'],
      ['http.route', '/x'],
    ]);
  });

  it('knows resource attributes from the span’s OTLP resource', () => {
    const traceId = '5b8efff798038103d269b633813fc60c';
    const records = decodeOtlpJson({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'deployment.color', value: { stringValue: 'blue' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId,
                  spanId: 'eee19b7ec3c1b174',
                  name: 'work',
                  kind: 1,
                  startTimeUnixNano: '1700000000000000000',
                  endTimeUnixNano: '1700000000001000000',
                  attributes: [{ key: 'custom.flag', value: { boolValue: true } }],
                },
              ],
            },
          ],
        },
      ],
    });
    const trace = traceFromRecords(parseTraceId(traceId), records);
    const groups = groupAttributes(trace.spans[0]!);
    expect(groups.find((group) => group.id === 'resource')?.entries).toEqual([['deployment.color', 'blue']]);
    expect(groups.find((group) => group.id === 'span')?.entries).toEqual([['custom.flag', 'true']]);
  });
});
