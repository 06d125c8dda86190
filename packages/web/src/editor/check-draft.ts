/**
 * What is wrong with a test draft, field by field, before it is sent: required fields, and selectors,
 * assertions and output values checked with core's own parsers (the ones the server applies), each
 * error with its column.
 */
import { defaultLanguageChecks } from '@tracecheck/core';
import { parseProto } from './parse-proto';
import { parseGraphqlVariables, type TestDraft } from './test-draft';

/** A problem of one field; `column` (1-based) points into the field's text for language errors. */
export interface FieldProblem {
  readonly message: string;
  readonly column?: number;
  readonly severity: 'error' | 'warning';
}

function fromLanguage(
  error: { message: string; column: number; severity?: 'error' | 'warning' } | undefined,
): FieldProblem | undefined {
  if (error === undefined) return undefined;
  return { message: error.message, column: error.column, severity: error.severity ?? 'error' };
}

/** A selector; `""` selects every span. */
export function checkSelector(text: string): FieldProblem | undefined {
  return fromLanguage(defaultLanguageChecks.selector?.(text));
}

/** An assertion statement (`attr:x = 1`). */
export function checkAssertion(text: string): FieldProblem | undefined {
  if (text.trim() === '') return undefined;
  return fromLanguage(defaultLanguageChecks.statement?.(text));
}

/** An output value: an expression without comparator. */
export function checkExpression(text: string): FieldProblem | undefined {
  if (text.trim() === '')
    return { message: 'an output needs a value, e.g. attr:http.status_code', severity: 'error' };
  return fromLanguage(defaultLanguageChecks.expression?.(text));
}

function required(message: string): FieldProblem {
  return { message, severity: 'error' };
}

/**
 * Every problem of the draft by field path (`name`, `http.url`, `specs.0.selector`,
 * `specs.0.assertions.1`, `outputs.2.value`…).
 * @example findDraftProblems(createEmptyDraft()).get('name') // { message: 'give the test a name…' }
 */
export function findDraftProblems(draft: TestDraft): Map<string, FieldProblem> {
  const problems = new Map<string, FieldProblem>();
  const add = (field: string, problem: FieldProblem | undefined) => {
    if (problem !== undefined) problems.set(field, problem);
  };
  if (draft.name.trim() === '') add('name', required('give the test a name: reports and the list show it'));
  switch (draft.triggerType) {
    case 'http':
      if (draft.http.url.trim() === '')
        add('http.url', required('the URL to call is required, e.g. http://shop.local/health'));
      break;
    case 'grpc': {
      const { grpc } = draft;
      if (grpc.protobufFile.trim() === '') {
        add('grpc.protobufFile', required('upload or paste the .proto file that defines the service'));
      } else {
        const parsed = parseProto(grpc.protobufFile);
        if (!parsed.ok) add('grpc.protobufFile', required(parsed.error));
      }
      if (grpc.address.trim() === '')
        add('grpc.address', required('the server address is required, as host:port'));
      if (grpc.method.trim() === '') add('grpc.method', required('pick the method to call'));
      if (grpc.request.trim() !== '' && !grpc.request.includes('${')) {
        try {
          JSON.parse(grpc.request);
        } catch (error) {
          add(
            'grpc.request',
            required(`the request must be JSON (${error instanceof Error ? error.message : String(error)})`),
          );
        }
      }
      break;
    }
    case 'graphql': {
      if (draft.graphql.url.trim() === '')
        add('graphql.url', required('the GraphQL endpoint URL is required'));
      if (draft.graphql.query.trim() === '') add('graphql.query', required('write the query to send'));
      const variables = parseGraphqlVariables(draft.graphql.variables);
      if (!variables.ok) add('graphql.variables', required(variables.error));
      break;
    }
    case 'kafka':
      if (draft.kafka.brokerUrls.trim() === '')
        add('kafka.brokerUrls', required('name at least one broker, as host:port'));
      if (draft.kafka.topic.trim() === '') add('kafka.topic', required('the topic is required'));
      if (draft.kafka.messageValue === '')
        add('kafka.messageValue', required('the message value is required'));
      break;
    case 'traceid':
      if (draft.traceid.id.trim() === '')
        add('traceid.id', required('the trace id is required, e.g. ${var:TRACE_ID}'));
      break;
  }
  draft.specs.forEach((spec, index) => {
    add(`specs.${index}.selector`, checkSelector(spec.selector));
    const assertions = spec.assertions.filter((assertion) => assertion.trim() !== '');
    if (assertions.length === 0)
      add(
        `specs.${index}.assertions`,
        required('add at least one assertion, e.g. attr:http.status_code = 200'),
      );
    spec.assertions.forEach((assertion, position) => {
      add(`specs.${index}.assertions.${position}`, checkAssertion(assertion));
    });
  });
  draft.outputs.forEach((output, index) => {
    if (!/^\w+$/.test(output.name)) {
      add(`outputs.${index}.name`, required('an output name is a variable name: letters, digits and _'));
    }
    add(`outputs.${index}.selector`, checkSelector(output.selector));
    add(`outputs.${index}.value`, checkExpression(output.value));
  });
  return problems;
}

/** True when any problem is an error (warnings do not block saving). */
export function hasErrors(problems: ReadonlyMap<string, FieldProblem>): boolean {
  for (const problem of problems.values()) if (problem.severity === 'error') return true;
  return false;
}
