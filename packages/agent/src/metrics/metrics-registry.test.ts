import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from './metrics-registry';

describe('createMetricsRegistry', () => {
  it('renders counters and gauges in the Prometheus text format, in registration order', () => {
    const registry = createMetricsRegistry();
    const received = registry.counter({
      name: 'spans_received_total',
      help: 'Spans received.',
      labelNames: ['transport', 'encoding'],
    });
    const requests = registry.counter({ name: 'requests_total', help: 'Requests.' });
    const depth = registry.gauge({ name: 'queue_depth', help: 'Items waiting.' });

    received.labels({ transport: 'http', encoding: 'protobuf' }).inc(512);
    received.labels({ transport: 'http', encoding: 'protobuf' }).inc();
    received.labels({ encoding: 'json', transport: 'grpc' }).inc(2);
    depth.set(7);
    depth.dec(2);

    expect(registry.render()).toBe(
      [
        '# HELP spans_received_total Spans received.',
        '# TYPE spans_received_total counter',
        'spans_received_total{transport="http",encoding="protobuf"} 513',
        'spans_received_total{transport="grpc",encoding="json"} 2',
        '# HELP requests_total Requests.',
        '# TYPE requests_total counter',
        'requests_total 0',
        '# HELP queue_depth Items waiting.',
        '# TYPE queue_depth gauge',
        'queue_depth 5',
        '',
      ].join('\n'),
    );
    expect(requests.value()).toBe(0);
  });

  it('refreshes collected gauges at every render', () => {
    const registry = createMetricsRegistry();
    let size = 3;
    registry.gauge({ name: 'cache_size', help: 'Entries.', collect: (gauge) => gauge.set(size) });
    expect(registry.render()).toContain('cache_size 3\n');
    size = 10;
    expect(registry.render()).toContain('cache_size 10\n');
  });

  it.each([
    ['a backslash', 'a\\b', 'a\\\\b'],
    ['a double quote', 'say "hi"', 'say \\"hi\\"'],
    ['a new line', 'one\ntwo', 'one\\ntwo'],
  ])('escapes %s in label values', (_name, value, escaped) => {
    const registry = createMetricsRegistry();
    registry
      .counter({ name: 'c_total', help: 'h', labelNames: ['v'] })
      .labels({ v: value })
      .inc();
    expect(registry.render()).toContain(`c_total{v="${escaped}"} 1\n`);
  });

  it('escapes help text and writes special sample values', () => {
    const registry = createMetricsRegistry();
    const gauge = registry.gauge({ name: 'g', help: 'line one\nback\\slash' });
    gauge.set(Number.POSITIVE_INFINITY);
    expect(registry.render()).toBe('# HELP g line one\\nback\\\\slash\n# TYPE g gauge\ng +Inf\n');
    gauge.set(Number.NaN);
    expect(registry.render()).toContain('g NaN\n');
  });

  it.each([
    [
      'an invalid metric name',
      () => createMetricsRegistry().counter({ name: '1bad', help: '' }),
      /invalid metric name "1bad"/,
    ],
    [
      'an invalid label name',
      () => createMetricsRegistry().counter({ name: 'ok_total', help: '', labelNames: ['bad-label'] }),
      /invalid label name "bad-label"/,
    ],
    [
      'a second registration of a name',
      () => {
        const registry = createMetricsRegistry();
        registry.counter({ name: 'twice_total', help: '' });
        registry.gauge({ name: 'twice_total', help: '' });
      },
      /already registered/,
    ],
    [
      'missing labels',
      () =>
        createMetricsRegistry()
          .counter({ name: 'l_total', help: '', labelNames: ['a'] })
          .inc(),
      /takes the labels \[a\], got \[\]/,
    ],
    [
      'a counter going down',
      () => createMetricsRegistry().counter({ name: 'down_total', help: '' }).inc(-1),
      /can only go up/,
    ],
  ])('rejects %s', (_name, action, message) => {
    expect(action).toThrow(message);
  });
});
