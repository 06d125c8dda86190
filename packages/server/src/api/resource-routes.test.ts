import { parseDefinition, parseDefinitions, SECRET_MASK } from '@tracecheck/core';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../store/index';
import { ApiErrorBodySchema, RESOURCE_SCHEMAS } from './api-schemas';
import { type ApiHarness, createApiHarness, OTHER_SCOPE, SCOPE } from './api-test-harness';
import { openVariableSetValues } from './variable-set-secrets';

const YAML = { 'content-type': 'text/yaml' };

function testYaml(name: string, extra = ''): string {
  return [
    'type: Test',
    'spec:',
    `  name: ${name}`,
    '  trigger:',
    '    type: http',
    '    httpRequest:',
    '      method: GET',
    '      url: http://shop.local/health',
    '  specs:',
    '    - selector: span[name="POST /orders"]',
    '      assertions:',
    '        - attr:http.status_code = 201',
    extra,
  ]
    .filter((line) => line !== '')
    .join('\n');
}

function json(response: LightMyRequestResponse): Record<string, unknown> {
  return response.json() as Record<string, unknown>;
}

function specOf(response: LightMyRequestResponse): Record<string, unknown> {
  return json(response).spec as Record<string, unknown>;
}

/** Every error answer has the ApiError shape with the expected code. */
function expectError(
  response: LightMyRequestResponse,
  status: number,
  code: string,
): Record<string, unknown> {
  expect(response.statusCode).toBe(status);
  const body = ApiErrorBodySchema.parse(response.json());
  expect(body).toMatchObject({ status, code });
  expect(body.detail.length).toBeGreaterThan(20);
  return response.json() as Record<string, unknown>;
}

let h: ApiHarness;
beforeAll(async () => {
  h = await createApiHarness();
});
afterAll(async () => {
  await h.close();
});

describe('apply (PUT /api/<plural>)', () => {
  it('creates with a generated id (201), then updates (200) with versioning and no-op', async () => {
    const created = await h.app.inject({
      method: 'PUT',
      url: '/api/tests',
      headers: YAML,
      payload: testYaml('ping'),
    });
    expect(created.statusCode).toBe(201);
    RESOURCE_SCHEMAS.Test.resource.parse(created.json());
    const spec = specOf(created);
    expect(spec).toMatchObject({ name: 'ping', version: 1, createdAt: '2025-01-02T03:04:05.000Z' });
    expect(spec.id).toMatch(/^gen\d{6}$/);
    const id = String(spec.id);

    const same = await h.app.inject({
      method: 'PUT',
      url: '/api/tests',
      headers: YAML,
      payload: testYaml('ping').replace('spec:', `spec:\n  id: ${id}`),
    });
    expect(same.statusCode).toBe(200);
    expect(specOf(same).version).toBe(1);

    const renamed = await h.app.inject({
      method: 'PUT',
      url: '/api/tests',
      headers: YAML,
      payload: testYaml('ping renamed').replace('spec:', `spec:\n  id: ${id}`),
    });
    expect(renamed.statusCode).toBe(200);
    expect(specOf(renamed)).toMatchObject({ name: 'ping renamed', version: 2 });

    // pollingProfile is not one of the versioned fields of SPEC §1.3: stored, version kept.
    const profiled = await h.app.inject({
      method: 'PUT',
      url: '/api/tests',
      headers: YAML,
      payload: testYaml('ping renamed', '  pollingProfile: current').replace('spec:', `spec:\n  id: ${id}`),
    });
    expect(specOf(profiled)).toMatchObject({ version: 2, pollingProfile: 'current' });
  });

  it.each([
    ['JSON in, JSON out', 'json', 'application/json'],
    ['JSON in, YAML out', 'json', 'text/yaml'],
    ['YAML in, JSON out', 'yaml', 'application/json'],
    ['YAML in, YAML out', 'yaml', 'text/yaml'],
  ])('%s', async (_name, input, accept) => {
    const definition = {
      type: 'Test',
      spec: {
        id: `fmt-${input}-${accept.length}`,
        name: 'formats',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Tracetest expression, not a JavaScript template
        trigger: { type: 'traceid', traceid: { id: '${var:TRACE_ID}' } },
      },
    };
    const yamlText = `type: Test\nspec:\n  id: ${definition.spec.id}\n  name: formats\n  trigger:\n    type: traceid\n    traceid:\n      id: \${var:TRACE_ID}\n`;
    const response = await h.app.inject({
      method: 'PUT',
      url: '/api/tests',
      headers: { accept, 'content-type': input === 'json' ? 'application/json' : 'text/yaml' },
      payload: input === 'json' ? JSON.stringify(definition) : yamlText,
    });
    expect(response.statusCode).toBe(201);
    if (accept === 'text/yaml') {
      expect(response.headers['content-type']).toContain('text/yaml');
      const parsed = parseDefinition(response.body);
      expect(parsed.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(parsed.resource).toMatchObject({
        type: 'Test',
        spec: { id: definition.spec.id, name: 'formats', version: 1 },
      });
    } else {
      expect(response.headers['content-type']).toContain('application/json');
      expect(specOf(response)).toMatchObject({
        id: definition.spec.id,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Tracetest expression, not a JavaScript template
        trigger: { traceid: { id: '${var:TRACE_ID}' } },
      });
    }
  });

  it('writes read-only fields never: version, createdAt and summary given on input are ignored', async () => {
    const response = await h.app.inject({
      method: 'PUT',
      url: '/api/tests',
      headers: YAML,
      payload: testYaml('read-only', '  version: 99\n  createdAt: 2001-01-01T00:00:00Z').replace(
        'spec:',
        'spec:\n  id: ro',
      ),
    });
    expect(specOf(response)).toMatchObject({ version: 1, createdAt: '2025-01-02T03:04:05.000Z' });
    const stored = await h.store.getResource(SCOPE, 'Test', 'ro');
    expect(stored?.spec).not.toHaveProperty('version');
    expect(stored?.spec).not.toHaveProperty('createdAt');
  });

  it('rejects an invalid definition with every problem (400 DEFINITION_INVALID)', async () => {
    const response = await h.app.inject({
      method: 'PUT',
      url: '/api/tests',
      headers: YAML,
      payload:
        'type: Test\nspec:\n  name: broken\n  trigger:\n    type: http\n    httpRequest:\n      method: FETCH\n  specs:\n    - selector: span[name=\n      assertions: [attr:x = 1]\n',
    });
    const body = expectError(response, 400, 'DEFINITION_INVALID');
    const problems = (body.details as { problems: { severity: string; path: string; line: number }[] })
      .problems;
    const errors = problems.filter((p) => p.severity === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(2);
    for (const problem of errors) expect(String(body.detail)).toContain(`line ${problem.line}`);
    expect(errors.map((p) => p.path)).toEqual(expect.arrayContaining(['spec.specs[0].selector']));
  });

  it.each([
    ['YAML syntax', 'type: Test\nspec: [unclosed\n', 'DEFINITION_INVALID'],
    ['no document', '', 'DEFINITION_INVALID'],
    ['unknown kind', 'type: Tset\nspec:\n  name: x\n', 'DEFINITION_INVALID'],
  ])('rejects %s', async (_name, payload, code) => {
    expectError(await h.app.inject({ method: 'PUT', url: '/api/tests', headers: YAML, payload }), 400, code);
  });

  it('rejects a definition of another kind with the Tracetest wording', async () => {
    const response = await h.app.inject({
      method: 'PUT',
      url: '/api/tests',
      headers: YAML,
      payload: 'type: Config\nspec:\n  analyticsEnabled: true\n',
    });
    const body = expectError(response, 400, 'REQUEST_INVALID');
    expect(body.detail).toContain('cannot apply Config to Test resource');
  });

  it('rejects a JSON envelope without spec, quoting the field', async () => {
    const response = await h.app.inject({ method: 'PUT', url: '/api/tests', payload: { type: 'Test' } });
    const body = expectError(response, 400, 'REQUEST_INVALID');
    expect(body.detail).toContain('"spec"');
  });

  it('rejects an id that cannot be a path segment', async () => {
    const response = await h.app.inject({
      method: 'PUT',
      url: '/api/tests',
      headers: YAML,
      payload: testYaml('slash').replace('spec:', 'spec:\n  id: a/b'),
    });
    expect(expectError(response, 400, 'REQUEST_INVALID').detail).toContain('"a/b"');
  });

  it('checks references: unknown polling profile, suite steps that are unknown ids or file paths', async () => {
    const test = await h.app.inject({
      method: 'PUT',
      url: '/api/tests',
      headers: YAML,
      payload: testYaml('profiled', '  pollingProfile: nope'),
    });
    expect(expectError(test, 400, 'DEFINITION_INVALID').detail).toContain(
      'polling profile "nope" does not exist',
    );
    const suite = await h.app.inject({
      method: 'PUT',
      url: '/api/testsuites',
      headers: YAML,
      payload: 'type: TestSuite\nspec:\n  name: s\n  steps:\n    - missing-test\n    - ./tests/a.yaml\n',
    });
    const body = expectError(suite, 400, 'DEFINITION_INVALID');
    expect(body.detail).toContain('spec.steps[0]: test "missing-test" does not exist');
    expect(body.detail).toContain('spec.steps[1]: "./tests/a.yaml" is a file path');
  });

  it('rejects selectors and assertions that do not parse, at their place in the file', async () => {
    const response = await h.app.inject({
      method: 'PUT',
      url: '/api/tests',
      headers: YAML,
      payload: testYaml('bad assertion').replace(
        'attr:http.status_code = 201',
        'attr:http.status_code ==== 201',
      ),
    });
    const body = expectError(response, 400, 'DEFINITION_INVALID');
    expect(JSON.stringify(body.details)).toContain('spec.specs[0].assertions[0]');
  });
});

describe('create, get, update, delete', () => {
  it('POST creates (201) and refuses an existing id (409)', async () => {
    const payload = testYaml('posted').replace('spec:', 'spec:\n  id: posted');
    const created = await h.app.inject({ method: 'POST', url: '/api/tests', headers: YAML, payload });
    expect(created.statusCode).toBe(201);
    expectError(
      await h.app.inject({ method: 'POST', url: '/api/tests', headers: YAML, payload }),
      409,
      'CONFLICT',
    );
  });

  it('GET answers JSON or YAML, and 404 with a sentence for an unknown id', async () => {
    await h.app.inject({
      method: 'PUT',
      url: '/api/tests',
      headers: YAML,
      payload: testYaml('got').replace('spec:', 'spec:\n  id: got'),
    });
    const asJson = await h.app.inject({ method: 'GET', url: '/api/tests/got' });
    expect(specOf(asJson)).toMatchObject({ id: 'got', name: 'got' });
    const asYaml = await h.app.inject({
      method: 'GET',
      url: '/api/tests/got',
      headers: { accept: 'text/yaml' },
    });
    expect(parseDefinition(asYaml.body).resource).toMatchObject({ type: 'Test', spec: { id: 'got' } });
    const missing = await h.app.inject({ method: 'GET', url: '/api/tests/nope' });
    expect(expectError(missing, 404, 'NOT_FOUND').detail).toContain('test "nope" not found');
  });

  it('keeps the case of ids in paths: abc and ABC are two tests', async () => {
    for (const id of ['abc', 'ABC']) {
      const payload = testYaml(`named ${id}`).replace('spec:', `spec:\n  id: ${id}`);
      expect(
        (await h.app.inject({ method: 'PUT', url: '/api/tests', headers: YAML, payload })).statusCode,
      ).toBe(201);
    }
    expect(specOf(await h.app.inject({ method: 'GET', url: '/api/tests/ABC' }))).toMatchObject({
      id: 'ABC',
      name: 'named ABC',
    });
    expect(specOf(await h.app.inject({ method: 'GET', url: '/api/TESTS/abc' }))).toMatchObject({
      id: 'abc',
      name: 'named abc',
    });
  });

  it('PUT /<id> updates, refuses another id in the body and unknown ids', async () => {
    await h.app.inject({
      method: 'PUT',
      url: '/api/tests',
      headers: YAML,
      payload: testYaml('u').replace('spec:', 'spec:\n  id: upd'),
    });
    const updated = await h.app.inject({
      method: 'PUT',
      url: '/api/tests/upd',
      headers: YAML,
      payload: testYaml('u2'),
    });
    expect(updated.statusCode).toBe(200);
    expect(specOf(updated)).toMatchObject({ id: 'upd', name: 'u2', version: 2 });
    const mismatch = await h.app.inject({
      method: 'PUT',
      url: '/api/tests/upd',
      headers: YAML,
      payload: testYaml('u3').replace('spec:', 'spec:\n  id: other'),
    });
    expect(expectError(mismatch, 400, 'REQUEST_INVALID').detail).toContain('"other"');
    expectError(
      await h.app.inject({ method: 'PUT', url: '/api/tests/ghost', headers: YAML, payload: testYaml('g') }),
      404,
      'NOT_FOUND',
    );
  });

  it('DELETE answers 204, then 404; a re-created test continues its versions', async () => {
    await h.app.inject({
      method: 'PUT',
      url: '/api/tests',
      headers: YAML,
      payload: testYaml('d').replace('spec:', 'spec:\n  id: del'),
    });
    expect((await h.app.inject({ method: 'DELETE', url: '/api/tests/del' })).statusCode).toBe(204);
    expectError(await h.app.inject({ method: 'DELETE', url: '/api/tests/del' }), 404, 'NOT_FOUND');
    expectError(await h.app.inject({ method: 'GET', url: '/api/tests/del' }), 404, 'NOT_FOUND');
    const again = await h.app.inject({
      method: 'PUT',
      url: '/api/tests',
      headers: YAML,
      payload: testYaml('d').replace('spec:', 'spec:\n  id: del'),
    });
    expect(again.statusCode).toBe(201);
    expect(specOf(again).version).toBe(2);
  });

  it('serves test versions: the list, one version, and 404 naming the range', async () => {
    for (const name of ['v1', 'v2', 'v3']) {
      await h.app.inject({
        method: 'PUT',
        url: '/api/tests',
        headers: YAML,
        payload: testYaml(name).replace('spec:', 'spec:\n  id: versioned'),
      });
    }
    const list = await h.app.inject({ method: 'GET', url: '/api/tests/versioned/version' });
    expect(list.json()).toMatchObject({
      count: 3,
      items: [
        { name: 'v1', version: 1 },
        { name: 'v2', version: 2 },
        { name: 'v3', version: 3 },
      ],
    });
    const second = await h.app.inject({ method: 'GET', url: '/api/tests/versioned/version/2' });
    expect(second.json()).toMatchObject({ id: 'versioned', name: 'v2', version: 2 });
    expect(
      expectError(
        await h.app.inject({ method: 'GET', url: '/api/tests/versioned/version/9' }),
        404,
        'NOT_FOUND',
      ).detail,
    ).toContain('versions are 1 to 3');
    expect(
      expectError(
        await h.app.inject({ method: 'GET', url: '/api/tests/versioned/version/x' }),
        400,
        'REQUEST_INVALID',
      ).detail,
    ).toContain('path parameter "version"');
  });
});

describe('list', () => {
  const scope = { 'x-environment-id': OTHER_SCOPE.environmentId };
  beforeAll(async () => {
    for (const [id, name] of [
      ['l1', 'charlie'],
      ['l2', 'alpha'],
      ['l3', 'bravo'],
      ['l4', 'delta'],
    ] as const) {
      h.clock.advance(1000);
      await h.app.inject({
        method: 'PUT',
        url: '/api/tests',
        headers: { ...YAML, ...scope },
        payload: testYaml(name).replace('spec:', `spec:\n  id: ${id}`),
      });
    }
  });

  it.each([
    ['newest first by default', '', ['l4', 'l3', 'l2', 'l1'], 4],
    ['take and skip', '?take=2&skip=1', ['l3', 'l2'], 4],
    ['by name ascending', '?sortBy=name&sortDirection=asc', ['l2', 'l3', 'l1', 'l4'], 4],
    ['Tracetest `created`, ascending', '?sortBy=created&sortDirection=asc', ['l1', 'l2', 'l3', 'l4'], 4],
    ['a query on the name', '?query=LT', ['l4'], 1],
    [
      'empty parameters count as absent',
      '?take=&skip=&sortBy=&sortDirection=&query=',
      ['l4', 'l3', 'l2', 'l1'],
      4,
    ],
    ['all=true ignores take', '?all=true&take=1', ['l4', 'l3', 'l2', 'l1'], 4],
  ])('%s', async (_name, query, ids, count) => {
    const response = await h.app.inject({ method: 'GET', url: `/api/tests${query}`, headers: scope });
    expect(response.statusCode).toBe(200);
    const page = RESOURCE_SCHEMAS.Test.list.parse(response.json()) as {
      count: number;
      items: { spec: { id: string } }[];
    };
    expect(page.count).toBe(count);
    expect(page.items.map((item) => item.spec.id)).toEqual(ids);
  });

  it('sorts by last run, never-run tests last', async () => {
    await h.runs.startTestRun(OTHER_SCOPE, 'l2', {});
    h.clock.advance(1000);
    await h.runs.startTestRun(OTHER_SCOPE, 'l1', {});
    const response = await h.app.inject({
      method: 'GET',
      url: '/api/tests?sortBy=last_run&take=3',
      headers: scope,
    });
    const page = response.json() as {
      count: number;
      items: { spec: { id: string; summary: { runs: number } } }[];
    };
    expect(page.count).toBe(4);
    expect(page.items.map((item) => item.spec.id)).toEqual(['l1', 'l2', expect.stringMatching(/^l[34]$/)]);
    expect(page.items[0]?.spec.summary.runs).toBe(1);
  });

  it('answers a YAML stream: one document after each ---', async () => {
    const response = await h.app.inject({
      method: 'GET',
      url: '/api/tests?sortBy=name&sortDirection=asc',
      headers: { ...scope, accept: 'text/yaml-stream' },
    });
    expect(response.body.startsWith('---\ntype: Test\n')).toBe(true);
    const documents = parseDefinitions(response.body);
    expect(documents.map((d) => d.resource?.spec.id)).toEqual(['l2', 'l3', 'l1', 'l4']);
    expect(documents.flatMap((d) => d.problems.filter((p) => p.severity === 'error'))).toEqual([]);
  });

  it('answers YAML {count, items}', async () => {
    const response = await h.app.inject({
      method: 'GET',
      url: '/api/tests?take=1',
      headers: { ...scope, accept: 'text/yaml' },
    });
    expect(response.body).toMatch(/^count: 4\nitems:\n {2}- type: Test\n {4}spec:\n {6}id: l4\n/);
  });

  it.each([
    ['take', '?take=abc', 'query parameter "take"'],
    ['take above the maximum', '?take=5000', 'query parameter "take"'],
    ['sortBy', '?sortBy=color', 'query parameter "sortBy"'],
    ['sortDirection', '?sortDirection=up', 'query parameter "sortDirection"'],
  ])('rejects an invalid %s, quoting it', async (_name, query, quoted) => {
    const response = await h.app.inject({ method: 'GET', url: `/api/tests${query}` });
    expect(expectError(response, 400, 'REQUEST_INVALID').detail).toContain(quoted);
  });

  it('keeps environments apart', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/api/tests/l1' });
    expectError(response, 404, 'NOT_FOUND');
  });
});

describe('singletons and defaults', () => {
  it.each([
    ['configs', { id: 'current', name: 'Config', analyticsEnabled: false }],
    ['testrunners', { id: 'current', name: 'default', requiredGates: ['test-specs'] }],
    ['analyzers', { id: 'current', name: 'analyzer', enabled: true, minimumScore: 0 }],
    [
      'pollingprofiles',
      { id: 'current', default: true, strategy: 'periodic', periodic: { retryDelay: '5s', timeout: '1m' } },
    ],
  ])(
    'GET /api/%s/current answers the default while none was stored, and lists it',
    async (plural, expected) => {
      const headers = { 'x-environment-id': OTHER_SCOPE.environmentId };
      const one = await h.app.inject({ method: 'GET', url: `/api/${plural}/current`, headers });
      expect(one.statusCode).toBe(200);
      expect(specOf(one)).toMatchObject(expected);
      const list = await h.app.inject({ method: 'GET', url: `/api/${plural}`, headers });
      expect(list.json()).toMatchObject({ count: 1, items: [{ spec: expected }] });
      const yaml = await h.app.inject({
        method: 'GET',
        url: `/api/${plural}/current`,
        headers: { ...headers, accept: 'text/yaml' },
      });
      expect(parseDefinition(yaml.body).problems.filter((p) => p.severity === 'error')).toEqual([]);
    },
  );

  it('stores a singleton under `current` whatever id is given, and 404s other ids', async () => {
    const response = await h.app.inject({
      method: 'PUT',
      url: '/api/configs',
      headers: YAML,
      payload: 'type: Config\nspec:\n  id: mine\n  analyticsEnabled: true\n',
    });
    expect(response.statusCode).toBe(201);
    expect(specOf(response)).toMatchObject({ id: 'current', analyticsEnabled: true });
    expectError(await h.app.inject({ method: 'GET', url: '/api/configs/mine' }), 404, 'NOT_FOUND');
    expect(specOf(await h.app.inject({ method: 'GET', url: '/api/configs/current' }))).toMatchObject({
      analyticsEnabled: true,
    });
    expect((await h.app.inject({ method: 'DELETE', url: '/api/configs/current' })).statusCode).toBe(204);
    expect(specOf(await h.app.inject({ method: 'GET', url: '/api/configs/current' }))).toMatchObject({
      analyticsEnabled: false,
    });
  });

  it('keeps the stored gates of a TestRunner applied without requiredGates', async () => {
    await h.app.inject({
      method: 'PUT',
      url: '/api/testrunners',
      headers: YAML,
      payload: 'type: TestRunner\nspec:\n  name: strict\n  requiredGates: [analyzer-score, test-specs]\n',
    });
    const renamed = await h.app.inject({
      method: 'PUT',
      url: '/api/testrunners/current',
      headers: YAML,
      payload: 'type: TestRunner\nspec:\n  name: renamed\n',
    });
    expect(specOf(renamed)).toMatchObject({
      name: 'renamed',
      requiredGates: ['analyzer-score', 'test-specs'],
    });
  });

  it('lists stored polling profiles instead of the built-in one once one is stored', async () => {
    await h.app.inject({
      method: 'PUT',
      url: '/api/pollingprofiles',
      headers: YAML,
      payload:
        'type: PollingProfile\nspec:\n  id: slow\n  name: slow\n  strategy: periodic\n  periodic:\n    retryDelay: 2s\n    timeout: 3m\n',
    });
    const list = await h.app.inject({ method: 'GET', url: '/api/pollingprofiles' });
    expect(list.json()).toMatchObject({ count: 1, items: [{ spec: { id: 'slow' } }] });
    const test = await h.app.inject({
      method: 'PUT',
      url: '/api/tests',
      headers: YAML,
      payload: testYaml('slow', '  pollingProfile: slow'),
    });
    expect(test.statusCode).toBe(201);
  });
});

describe('legacy names and aliases', () => {
  it('reads a Transaction on /api/transactions as a TestSuite', async () => {
    await h.app.inject({
      method: 'PUT',
      url: '/api/tests',
      headers: YAML,
      payload: testYaml('step').replace('spec:', 'spec:\n  id: step-1'),
    });
    const response = await h.app.inject({
      method: 'PUT',
      url: '/api/transactions',
      headers: YAML,
      payload: 'type: Transaction\nspec:\n  id: tx\n  name: legacy\n  steps:\n    - step-1\n',
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      type: 'TestSuite',
      spec: { id: 'tx', steps: ['step-1'], version: 1 },
    });
    const suite = await h.app.inject({ method: 'GET', url: '/api/testsuites/tx' });
    expect(specOf(suite)).toMatchObject({
      fullSteps: [{ id: 'step-1', name: 'step' }],
      summary: { runs: 0 },
    });
  });

  it('reads an Environment as a VariableSet, on /api/environments and /api/variableSets', async () => {
    const legacy = await h.app.inject({
      method: 'PUT',
      url: '/api/environments',
      headers: YAML,
      payload:
        'type: Environment\nspec:\n  id: staging\n  name: staging\n  values:\n    - key: SKU\n      value: 0042\n',
    });
    expect(legacy.json()).toMatchObject({
      type: 'VariableSet',
      spec: { values: [{ key: 'SKU', value: '0042', type: 'raw' }] },
    });
    const camel = await h.app.inject({ method: 'GET', url: '/api/variableSets/staging' });
    expect(camel.statusCode).toBe(200);
  });
});

describe('limits and media types', () => {
  it('refuses a definition larger than 16 MiB with 413', async () => {
    const payload = `type: Test\nspec:\n  name: big\n  description: ${'x'.repeat(17 * 1024 * 1024)}\n`;
    const response = await h.app.inject({ method: 'PUT', url: '/api/tests', headers: YAML, payload });
    expect(expectError(response, 413, 'PAYLOAD_TOO_LARGE').detail).toContain('16 MiB');
  });

  it('refuses a body it cannot read with 415', async () => {
    const response = await h.app.inject({
      method: 'PUT',
      url: '/api/tests',
      headers: { 'content-type': 'application/xml' },
      payload: '<test/>',
    });
    expectError(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses JSON that does not parse with 400', async () => {
    const response = await h.app.inject({
      method: 'PUT',
      url: '/api/tests',
      headers: { 'content-type': 'application/json' },
      payload: '{"type": "Test",',
    });
    expectError(response, 400, 'REQUEST_INVALID');
  });

  it('answers an unknown route with 404 and a sentence', async () => {
    const body = expectError(await h.app.inject({ method: 'GET', url: '/api/widgets' }), 404, 'NOT_FOUND');
    expect(body.detail).toContain('GET /api/widgets');
  });
});

describe('variable sets with secrets', () => {
  let secure: ApiHarness;
  const box = createSecretBox(new Uint8Array(32).fill(7));
  const SECRET = 's3cr3t-Value!';
  const definition = (token: string, extra = '') =>
    `type: VariableSet\nspec:\n  id: vs\n  name: creds\n  values:\n    - key: BASE_URL\n      value: http://shop.local\n    - key: TOKEN\n      value: ${JSON.stringify(token)}\n      type: secret\n${extra}`;
  const responses: LightMyRequestResponse[] = [];
  const send = async (options: InjectOptions) => {
    const response = await secure.app.inject(options);
    responses.push(response);
    return response;
  };

  beforeAll(async () => {
    secure = await createApiHarness({ secretBox: box });
  });
  afterAll(async () => {
    await secure.close();
  });

  it('stores secrets sealed, answers them masked in every format, and keeps them on a masked update', async () => {
    const created = await send({
      method: 'PUT',
      url: '/api/variablesets',
      headers: YAML,
      payload: definition(SECRET),
    });
    expect(created.statusCode).toBe(201);
    expect(specOf(created).values).toEqual([
      { key: 'BASE_URL', value: 'http://shop.local', type: 'raw' },
      { key: 'TOKEN', value: SECRET_MASK, type: 'secret' },
    ]);
    const stored = await secure.store.getResource<{
      values: { key: string; value: string; type: 'raw' | 'secret' }[];
    }>(SCOPE, 'VariableSet', 'vs');
    const sealed = stored?.spec.values[1]?.value ?? '';
    expect(sealed.startsWith('tcsecret:v1:')).toBe(true);
    expect(openVariableSetValues(SCOPE, stored?.spec.values ?? [], box)[1]?.value).toBe(SECRET);

    for (const accept of ['application/json', 'text/yaml']) {
      await send({ method: 'GET', url: '/api/variablesets/vs', headers: { accept } });
    }
    for (const accept of ['application/json', 'text/yaml', 'text/yaml-stream']) {
      await send({ method: 'GET', url: '/api/variablesets', headers: { accept } });
    }

    // Sending back what a read showed (the mask) keeps the stored secret: a no-op.
    const masked = await send({
      method: 'PUT',
      url: '/api/variablesets',
      headers: YAML,
      payload: definition(SECRET_MASK),
    });
    expect(masked.statusCode).toBe(200);
    const afterMask = await secure.store.getResource<{ values: { value: string }[] }>(
      SCOPE,
      'VariableSet',
      'vs',
    );
    expect(afterMask?.spec.values[1]?.value).toBe(sealed);

    // The same plaintext again keeps the sealed text too (no new ciphertext for an unchanged value).
    await send({ method: 'PUT', url: '/api/variablesets', headers: YAML, payload: definition(SECRET) });
    const afterSame = await secure.store.getResource<{ values: { value: string }[] }>(
      SCOPE,
      'VariableSet',
      'vs',
    );
    expect(afterSame?.spec.values[1]?.value).toBe(sealed);

    const yaml = await send({ method: 'GET', url: '/api/variablesets/vs', headers: { accept: 'text/yaml' } });
    expect(yaml.body).toContain(SECRET_MASK);

    for (const response of responses) expect(response.body).not.toContain(SECRET);
    expect(responses.length).toBeGreaterThanOrEqual(9);
  });

  it('refuses the mask for a secret that was never stored', async () => {
    const response = await send({
      method: 'PUT',
      url: '/api/variablesets',
      headers: YAML,
      payload: definition(SECRET, '    - key: NEW_SECRET\n      value: "********"\n      type: secret\n'),
    });
    expect(expectError(response, 400, 'REQUEST_INVALID').detail).toContain('"NEW_SECRET"');
  });

  it('masks secrets without a secret box too', async () => {
    const response = await h.app.inject({
      method: 'PUT',
      url: '/api/variablesets',
      headers: YAML,
      payload: definition(SECRET),
    });
    expect(response.statusCode).toBe(201);
    expect(response.body).not.toContain(SECRET);
  });
});
