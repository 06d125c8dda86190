import { findVariableReferences, type HttpAuth, type Trigger } from '@tracecheck/core';
import type { RunnableTest } from './run-resources';

function authTexts(auth: HttpAuth | undefined): string[] {
  if (!auth) return [];
  switch (auth.type) {
    case 'basic':
      return [auth.basic.username, auth.basic.password];
    case 'bearer':
      return [auth.bearer.token];
    case 'apiKey':
      return [auth.apiKey.key, auth.apiKey.value, auth.apiKey.in];
  }
}

function entryTexts(
  entries: readonly { readonly key: string; readonly value: string }[] | undefined,
): string[] {
  return (entries ?? []).flatMap((entry) => [entry.key, entry.value]);
}

function jsonStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(jsonStrings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(jsonStrings);
  return [];
}

/**
 * The texts of a trigger that are resolved before it fires (SPEC §2.2, with the recommended Kafka
 * `topic`/`messageValue` and GraphQL fields), in field order. An integration trigger reads
 * `${env:TRACE_ID}` (§2.7).
 */
export function resolvableTriggerTexts(trigger: Trigger): string[] {
  switch (trigger.type) {
    case 'http': {
      const request = trigger.httpRequest;
      return [request.url, ...entryTexts(request.headers), request.body, ...authTexts(request.auth)];
    }
    case 'grpc': {
      const request = trigger.grpc;
      return [
        request.address,
        request.method,
        request.request ?? '',
        ...entryTexts(request.metadata),
        ...authTexts(request.auth),
      ];
    }
    case 'traceid':
      return [trigger.traceid.id];
    case 'graphql': {
      const request = trigger.graphql;
      return [
        request.url,
        ...entryTexts(request.headers),
        ...authTexts(request.auth),
        request.body?.query ?? '',
        request.body?.operationName ?? '',
        ...jsonStrings(request.body?.variables),
      ];
    }
    case 'kafka': {
      const request = trigger.kafka;
      return [
        ...request.brokerUrls,
        request.topic,
        request.messageKey ?? '',
        request.messageValue,
        ...entryTexts(request.headers),
        ...(request.authentication
          ? [request.authentication.plain.username, request.authentication.plain.password]
          : []),
      ];
    }
    case 'playwrightengine':
      return [trigger.playwrightEngine.target];
    case 'cypress':
    case 'playwright':
    case 'k6':
    case 'artillery':
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the expression language's interpolation
      return ['${env:TRACE_ID}'];
  }
}

/**
 * The variables a test needs before it can start (SPEC §6.3): those its trigger fields and output
 * values reference, each once, in order of first reference. Assertions are not scanned: a variable
 * missing there fails the assertion at run time.
 */
export function findReferencedVariables(test: Pick<RunnableTest, 'trigger' | 'outputs'>): string[] {
  const names = new Set<string>();
  for (const text of resolvableTriggerTexts(test.trigger)) {
    for (const name of findVariableReferences(text, 'template')) names.add(name);
  }
  for (const output of test.outputs) {
    for (const name of findVariableReferences(output.value, 'expression')) names.add(name);
  }
  return [...names];
}
