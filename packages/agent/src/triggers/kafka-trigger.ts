import { isTracecheckError } from '@tracecheck/core';
import { Kafka, logLevel, Partitioners, type SASLOptions } from 'kafkajs';
import { measureTrigger } from './measure-trigger';
import { traceContextHeaders } from './trace-context-headers';
import type { KafkaRequest, KafkaResponse, Trigger, TriggerContext } from './trigger';
import {
  describeNetworkFailure,
  failTrigger,
  failTriggerRequest,
  isLocalhost,
  type NetworkFailure,
  type TriggerTarget,
} from './trigger-error';

/**
 * The Kafka trigger (SPEC §2.5): produces one message (acks from all in-sync replicas) with the trace
 * context in its headers, and returns the partition and offset it was written at.
 */
export const kafkaTrigger: Trigger<KafkaRequest> = {
  type: 'kafka',
  fire: (request, context) =>
    measureTrigger('kafka', context, async () => ({
      type: 'kafka',
      kafka: await produceMessage(request, context),
    })),
};

/** The record a Kafka trigger produces. */
export interface KafkaMessage {
  readonly topic: string;
  /** `null` when the trigger has no key. */
  readonly key: string | null;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Builds the record: the trigger's headers (empty keys ignored, a later duplicate wins) then the trace
 * context headers, which replace user headers of the same names.
 * @example buildKafkaMessage({brokerUrls: ['kafka:9092'], topic: 'orders', messageValue: '{}'}, context).key // null
 */
export function buildKafkaMessage(request: KafkaRequest, context: TriggerContext): KafkaMessage {
  const headers: Record<string, string> = {};
  for (const { key, value } of [
    ...(request.headers ?? []),
    ...traceContextHeaders(context.traceId, context.spanId),
  ]) {
    if (key !== '') headers[key] = value;
  }
  return {
    topic: request.topic,
    key: request.messageKey ? request.messageKey : null,
    value: request.messageValue,
    headers,
  };
}

async function produceMessage(request: KafkaRequest, context: TriggerContext): Promise<KafkaResponse> {
  const brokers = request.brokerUrls.map((url) => url.trim()).filter((url) => url !== '');
  const message = buildKafkaMessage(request, context);
  if (brokers.length === 0 || message.topic.trim() === '') {
    throw failTriggerRequest(
      `the Kafka trigger needs at least one broker and a topic, got brokers [${request.brokerUrls.join(', ')}] and topic "${request.topic}"`,
      'set brokerUrls (host:port of each broker) and topic',
      context,
    );
  }
  const hosts = brokers.map((broker) => broker.replace(/:\d+$/, '').replace(/^\[|\]$/g, ''));
  const target: TriggerTarget = {
    action: `producing to Kafka topic "${message.topic}" via brokers ${brokers.join(', ')}`,
    host: hosts.find(isLocalhost) ?? hosts[0]!,
    verificationSwitch: 'sslVerification: false on the trigger (which also turns TLS off)',
  };
  const connectTimeoutMs = context.connectTimeoutMs ?? Math.min(1_000, context.timeoutMs);
  // A trigger waits at most its timeout, so kafkajs retries briefly instead of its default ~30 s.
  const retry = { retries: 2, initialRetryTime: 100, maxRetryTime: Math.min(1_000, context.timeoutMs) };
  const kafka = new Kafka({
    clientId: 'tracecheck-trigger',
    brokers,
    ssl: request.sslVerification === true,
    ...saslOptions(request),
    connectionTimeout: connectTimeoutMs,
    requestTimeout: context.timeoutMs,
    retry,
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, retry });
  let stop: ((failure: NetworkFailure) => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    stop = (failure) => reject(failTrigger(describeNetworkFailure(failure, target, context)));
  });
  const timer = setTimeout(
    () => stop?.({ kind: 'timeout', timeoutMs: context.timeoutMs }),
    context.timeoutMs,
  );
  const onAbort = () => stop?.({ kind: 'aborted' });
  if (context.signal?.aborted) onAbort();
  context.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const send = async () => {
      await producer.connect();
      return producer.send({
        topic: message.topic,
        acks: -1,
        timeout: context.timeoutMs,
        messages: [{ key: message.key, value: message.value, headers: { ...message.headers } }],
      });
    };
    const [metadata] = await Promise.race([send(), stopped]);
    if (!metadata) throw new Error('the broker acknowledged no partition');
    return {
      partition: String(metadata.partition),
      offset: String(metadata.baseOffset ?? metadata.offset ?? ''),
    };
  } catch (error) {
    throw readKafkaError(error, target, context, connectTimeoutMs);
  } finally {
    clearTimeout(timer);
    context.signal?.removeEventListener('abort', onAbort);
    await producer.disconnect().catch(() => undefined);
  }
}

function saslOptions(request: KafkaRequest): { sasl?: SASLOptions } {
  const authentication = request.authentication ?? request.authetication;
  if (!authentication?.plain) return {};
  return {
    sasl: {
      mechanism: 'plain',
      username: authentication.plain.username,
      password: authentication.plain.password,
    },
  };
}

/** Turns a kafkajs error (often a retries-exceeded error wrapping the cause) into a trigger failure. */
function readKafkaError(
  error: unknown,
  target: TriggerTarget,
  context: TriggerContext,
  connectTimeoutMs: number,
) {
  if (isTracecheckError(error)) return error;
  const chain: unknown[] = [];
  for (let current: unknown = error; current instanceof Error && chain.length < 10; current = current.cause) {
    chain.push(current);
  }
  const named = (name: string) => chain.find((item) => item instanceof Error && item.name === name);
  const sasl = named('KafkaJSSASLAuthenticationError');
  if (sasl instanceof Error) {
    return failTriggerRequest(
      `${target.action} failed: ${sasl.message}`,
      'check the username and password of the trigger, and that the broker accepts SASL/PLAIN',
      context,
    );
  }
  const connection = named('KafkaJSConnectionError');
  if (connection instanceof Error) {
    const failure: NetworkFailure =
      connection.message === 'Connection timeout'
        ? { kind: 'connect-timeout', timeoutMs: connectTimeoutMs }
        : { kind: 'error', cause: connection };
    return failTrigger(describeNetworkFailure(failure, target, context));
  }
  return failTrigger(describeNetworkFailure({ kind: 'error', cause: error }, target, context));
}
