/*
 * No Kafka broker runs on this machine (and none can be started by the tests), so producing a message,
 * SASL/PLAIN and TLS against a real broker are NOT tested here. What is tested: the record the trigger
 * builds (value, key, headers with the trace context), and the failures a trigger meets without a broker:
 * a closed port and a TCP server that never speaks Kafka, both reported quickly as connection errors
 * naming the brokers.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fireTrigger } from './fire-trigger';
import { buildKafkaMessage } from './kafka-trigger';
import { responseAttributes } from './response-attributes';
import { createTestContext, findClosedPort } from './testing/local-server';
import type { KafkaRequest, TriggerResult } from './trigger';

function errorOf(result: TriggerResult) {
  if (!result.error) throw new Error(`expected an error, got a ${result.type} response`);
  return result.error;
}

const TRACE_HEADERS = {
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  tracestate: 'tracetest=true',
  b3: '4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1',
  'uber-trace-id': '4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1',
  'ot-tracer-traceid': 'a3ce929d0e0e4736',
  'ot-tracer-spanid': '00f067aa0ba902b7',
  'ot-tracer-sampled': 'true',
  'X-Amzn-Trace-Id': 'Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=1',
};

describe('buildKafkaMessage', () => {
  test.each([
    {
      name: 'value only: no key, the trace context as headers',
      request: { brokerUrls: ['kafka:9092'], topic: 'orders', messageValue: '{"id": 1}' },
      expected: { topic: 'orders', key: null, value: '{"id": 1}', headers: TRACE_HEADERS },
    },
    {
      name: 'key and headers: a later duplicate wins, empty keys are dropped, trace headers replace user ones',
      request: {
        brokerUrls: ['kafka:9092'],
        topic: 'orders',
        messageKey: 'order-7',
        messageValue: 'v',
        headers: [
          { key: 'source', value: 'first' },
          { key: '', value: 'dropped' },
          { key: 'source', value: 'tracetest' },
          { key: 'traceparent', value: 'stale' },
        ],
      },
      expected: {
        topic: 'orders',
        key: 'order-7',
        value: 'v',
        headers: { source: 'tracetest', ...TRACE_HEADERS },
      },
    },
    {
      name: 'an empty key means no key',
      request: { brokerUrls: ['kafka:9092'], topic: 't', messageKey: '', messageValue: '' },
      expected: { topic: 't', key: null, value: '', headers: TRACE_HEADERS },
    },
  ])('$name', ({ request, expected }) => {
    expect(buildKafkaMessage(request, createTestContext())).toEqual(expected);
  });
});

describe('kafka trigger without a broker', () => {
  test('a closed port fails quickly as a connection error naming the brokers', async () => {
    const port = await findClosedPort();
    const request: KafkaRequest = {
      brokerUrls: [`localhost:${port}`],
      topic: 'orders',
      messageValue: 'v',
      authetication: { type: 'plain', plain: { username: 'u', password: 'p' } },
    };
    const result = await fireTrigger({ type: 'kafka', kafka: request }, createTestContext());
    const error = errorOf(result);
    expect(error).toMatchObject({ connectionError: true, targetsLocalhost: true });
    expect(error.message).toContain(`producing to Kafka topic "orders" via brokers localhost:${port} failed`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.hint).toContain('host.docker.internal');
    expect(responseAttributes(result)).toEqual({});
  });

  describe('a TCP server that accepts connections and never answers', () => {
    let server: net.Server;
    const sockets: net.Socket[] = [];
    beforeAll(async () => {
      server = net.createServer((socket) => {
        sockets.push(socket);
      });
      await new Promise<void>((resolve) => server.listen(0, resolve));
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    test('the trigger gives up within its timeout with a connection error', async () => {
      const port = (server.address() as net.AddressInfo).port;
      const result = await fireTrigger(
        { type: 'kafka', kafka: { brokerUrls: [`127.0.0.1:${port}`], topic: 'orders', messageValue: 'v' } },
        createTestContext({ timeoutMs: 500 }),
      );
      const error = errorOf(result);
      expect(error).toMatchObject({ connectionError: true, targetsLocalhost: true });
      expect(error.message).toContain(`via brokers 127.0.0.1:${port} failed`);
    });
  });

  test('no broker at all is a request error', async () => {
    const error = errorOf(
      await fireTrigger(
        { type: 'kafka', kafka: { brokerUrls: [''], topic: 'orders', messageValue: 'v' } },
        createTestContext(),
      ),
    );
    expect(error.connectionError).toBe(false);
    expect(error.message).toContain('the Kafka trigger needs at least one broker and a topic');
  });
});
