/**
 * Requests as the Tracetest CLI sends them (SPEC Appendix A): its headers, YAML bodies, `Accept`
 * values, Go-style JSON with nulls and empty strings, its route spellings; and every real Tracetest
 * file of /work/shared/corpus/tracetest (beside the repository) applied as `tracetest apply` would.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDefinition, parseDefinitions, printDefinition, type Resource } from '@tracecheck/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRunSchema, TestSuiteRunSchema } from './api-schemas';
import { type ApiHarness, createApiHarness, SCOPE } from './api-test-harness';
import { RESOURCE_KINDS } from './resource-kinds';

/** The headers of every Tracetest CLI request. */
const CLI_HEADERS = {
  authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.signature',
  'x-organization-id': SCOPE.organizationId,
  'x-environment-id': SCOPE.environmentId,
  'x-client-id': 'c7f3b5a0-cli',
  'x-source': 'cli',
  'user-agent': 'tracetest-cli/v1.5.0',
};

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpusDir = resolve(repoRoot, '../shared/corpus/tracetest');
const corpusFound = existsSync(corpusDir);

/** Kinds applied in dependency order; suites and monitors name files by paths only the CLI resolves. */
const APPLY_ORDER: readonly Resource['type'][] = [
  'Config',
  'Analyzer',
  'TestRunner',
  'PollingProfile',
  'DataStore',
  'Demo',
  'VariableSet',
  'Test',
];

interface CorpusDocument {
  readonly name: string;
  readonly text: string;
  readonly resource: Resource;
}

function readCorpus(): CorpusDocument[] {
  if (!corpusFound) return [];
  const documents: CorpusDocument[] = [];
  for (const file of readdirSync(corpusDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    const text = readFileSync(resolve(corpusDir, file), 'utf8');
    const parsed = parseDefinitions(text);
    // A one-document file is sent as it is; a provisioning stream document by document, as printed.
    for (const [index, document] of parsed.entries()) {
      const resource = document.resource;
      if (resource === undefined || !APPLY_ORDER.includes(resource.type)) continue;
      documents.push({
        name: parsed.length === 1 ? file : `${file}#${index + 1}`,
        text: parsed.length === 1 ? text : printDefinition(resource),
        resource,
      });
    }
  }
  return documents.sort(
    (a, b) => APPLY_ORDER.indexOf(a.resource.type) - APPLY_ORDER.indexOf(b.resource.type),
  );
}

/** A resource as printed for comparison: read-only fields out, secrets masked, the stored id in. */
function comparable(resource: Resource, id: string): string {
  const { version: _version, createdAt: _createdAt, ...spec } = resource.spec as Record<string, unknown>;
  return printDefinition({ type: resource.type, spec: { ...spec, id } } as Resource, { maskSecrets: true });
}

let h: ApiHarness;
beforeAll(async () => {
  h = await createApiHarness();
});
afterAll(async () => {
  await h.close();
});

describe.skipIf(!corpusFound)('every Tracetest corpus file, applied as `tracetest apply` sends it', () => {
  const documents = readCorpus();
  const appliedProfiles = new Set<string>();

  it.each(documents.map((document) => [document.name, document] as const))('%s', async (_name, document) => {
    const plural = RESOURCE_KINDS.find((info) => info.kind === document.resource.type)?.plural;
    const response = await h.app.inject({
      method: 'PUT',
      url: `/api/${plural}`,
      headers: { ...CLI_HEADERS, 'content-type': 'text/yaml', accept: 'text/yaml' },
      payload: document.text,
    });
    const profile = document.resource.type === 'Test' ? document.resource.spec.pollingProfile : undefined;
    if (profile !== undefined && !appliedProfiles.has(profile)) {
      // A test may name a polling profile that no corpus file defines: refused, naming it.
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'DEFINITION_INVALID' });
      expect((response.json() as { detail: string }).detail).toContain(
        `polling profile "${profile}" does not exist`,
      );
      return;
    }
    expect([200, 201]).toContain(response.statusCode);
    expect(response.headers['content-type']).toContain('text/yaml');
    const answered = parseDefinition(response.body);
    expect(answered.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const stored = answered.resource as Resource;
    const id = String(stored.spec.id);
    if (stored.type === 'PollingProfile') appliedProfiles.add(id);
    expect(comparable(stored, id)).toBe(comparable(document.resource, id));
  });
});

describe('a Tracetest CLI session', () => {
  const TEST = `type: Test
spec:
  name: Create an order
  trigger:
    type: http
    httpRequest:
      method: POST
      url: http://shop.local/orders
  specs:
    - selector: span[name="POST /orders"]
      assertions:
        - attr:http.status_code = 201
`;
  let testId = '';

  it('reads the version (GET /api/version.json)', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/api/version.json', headers: CLI_HEADERS });
    expect(response.json()).toEqual({ version: '1.2.3', type: 'oss' });
  });

  it('applies a test as YAML and reads back the generated id for the write-back', async () => {
    h.clock.advance(1000);
    const response = await h.app.inject({
      method: 'PUT',
      url: '/api/tests',
      headers: { ...CLI_HEADERS, 'content-type': 'text/yaml', accept: 'text/yaml' },
      payload: TEST,
    });
    expect(response.statusCode).toBe(201);
    const id = parseDefinition(response.body).resource?.spec.id;
    expect(id).toMatch(/^gen\d{6}$/);
    testId = String(id);
  });

  it('lists tests as a YAML stream with the parameters the CLI always sends', async () => {
    const response = await h.app.inject({
      method: 'GET',
      url: '/api/tests?skip=0&take=20&sortBy=&sortDirection=&all=false',
      headers: { ...CLI_HEADERS, accept: 'text/yaml-stream' },
    });
    expect(response.statusCode).toBe(200);
    const ids = parseDefinitions(response.body).map((document) => document.resource?.spec.id);
    expect(ids).toHaveLength(20);
    expect(ids[0]).toBe(testId);
  });

  it('runs the test with a Go-style body, polls it, and reads its JUnit report', async () => {
    const started = await h.app.inject({
      method: 'POST',
      url: `/api/tests/${testId}/run`,
      headers: { ...CLI_HEADERS, 'content-type': 'application/json' },
      payload: '{"metadata":{"os":"linux"},"requiredGates":null,"variableSetId":"","variables":[]}',
    });
    expect(started.statusCode).toBe(200);
    const run = TestRunSchema.parse(started.json());
    expect(run).toMatchObject({ state: 'CREATED', source: 'cli', metadata: { os: 'linux' } });
    expect(typeof run.id).toBe('string');

    await h.runs.finishRunOnF1(SCOPE, Number(run.id), { completedAt: h.clock.now() });
    const polled = await h.app.inject({
      method: 'GET',
      url: `/api/tests/${testId}/run/${run.id}`,
      headers: { ...CLI_HEADERS, accept: 'application/json' },
    });
    expect(TestRunSchema.parse(polled.json())).toMatchObject({
      state: 'FINISHED',
      passed: true,
      result: { allPassed: true },
    });

    const junit = await h.app.inject({
      method: 'GET',
      url: `/api/tests/${testId}/run/${run.id}/junit.xml`,
      headers: CLI_HEADERS,
    });
    expect(
      junit.body.startsWith('<testsuites name="Create an order" tests="1" failures="0" errors="0"'),
    ).toBe(true);
  });

  it('skips polling with a POST that has a JSON content type and no body', async () => {
    const started = TestRunSchema.parse(
      (
        await h.app.inject({
          method: 'POST',
          url: `/api/tests/${testId}/run`,
          headers: CLI_HEADERS,
          payload: {},
        })
      ).json(),
    );
    await h.runs.advanceRun(SCOPE, Number(started.id), { state: 'AWAITING_TRACE' });
    const skipped = await h.app.inject({
      method: 'POST',
      url: `/api/tests/${testId}/run/${started.id}/skipPolling`,
      headers: { ...CLI_HEADERS, 'content-type': 'application/json' },
    });
    expect(skipped.statusCode).toBe(200);
  });

  it('runs a Transaction applied as a suite, and polls the suite run', async () => {
    const applied = await h.app.inject({
      method: 'PUT',
      url: '/api/testsuites',
      headers: { ...CLI_HEADERS, 'content-type': 'text/yaml', accept: 'text/yaml' },
      payload: `type: Transaction\nspec:\n  name: checkout\n  steps:\n    - ${testId}\n`,
    });
    expect(applied.statusCode).toBe(201);
    const suiteId = String(parseDefinition(applied.body).resource?.spec.id);
    const started = await h.app.inject({
      method: 'POST',
      url: `/api/testsuites/${suiteId}/run`,
      headers: { ...CLI_HEADERS, 'content-type': 'application/json' },
      payload: { variables: [], requiredGates: null },
    });
    const suiteRun = TestSuiteRunSchema.parse(started.json());
    const polled = await h.app.inject({
      method: 'GET',
      url: `/api/testsuites/${suiteId}/run/${suiteRun.id}`,
      headers: CLI_HEADERS,
    });
    expect(TestSuiteRunSchema.parse(polled.json()).steps.map((step) => step.testId)).toEqual([testId]);
  });

  it('reads errors as {status, detail}', async () => {
    const response = await h.app.inject({
      method: 'GET',
      url: '/api/tests/unknown-test',
      headers: CLI_HEADERS,
    });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({
      status: 404,
      detail: expect.stringContaining('"unknown-test" not found'),
    });
  });

  it('deletes the test', async () => {
    const response = await h.app.inject({
      method: 'DELETE',
      url: `/api/tests/${testId}`,
      headers: CLI_HEADERS,
    });
    expect(response.statusCode).toBe(204);
  });
});
