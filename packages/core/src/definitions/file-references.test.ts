import { describe, expect, it } from 'vitest';
import {
  collectFileReferences,
  type FileReference,
  parseDefinition,
  type Resource,
  replaceFileReferences,
} from './index';

function read(yaml: string): Resource {
  const parsed = parseDefinition(yaml);
  expect(parsed.problems).toEqual([]);
  return parsed.resource!;
}

const trigger = (body: string) => `type: Test\nspec:\n  name: t\n  trigger:\n${body}`;

describe('collectFileReferences (SPEC §9.6)', () => {
  it.each<[string, string, FileReference[]]>([
    [
      'an http body path and a polling profile path',
      `type: Test
spec:
  name: t
  pollingProfile: ./profiles/slow.yaml
  trigger:
    type: http
    httpRequest: {method: POST, url: http://x, body: ./bodies/item.json}
`,
      [
        { action: 'inline', path: 'spec.trigger.httpRequest.body', filePath: './bodies/item.json' },
        {
          action: 'apply',
          path: 'spec.pollingProfile',
          filePath: './profiles/slow.yaml',
          expectedType: 'PollingProfile',
        },
      ],
    ],
    [
      'a protobuf file',
      trigger('    type: grpc\n    grpc: {protobufFile: ../api.proto, address: a:1, method: p.S.M}\n'),
      [{ action: 'inline', path: 'spec.trigger.grpc.protobufFile', filePath: '../api.proto' }],
    ],
    [
      'a playwright script',
      trigger(
        '    type: playwrightengine\n    playwrightEngine: {target: http://x, script: /abs/s.js, method: m}\n',
      ),
      [{ action: 'inline', path: 'spec.trigger.playwrightEngine.script', filePath: '/abs/s.js' }],
    ],
    [
      'a graphql query and schema',
      trigger(
        '    type: graphql\n    graphql: {url: http://g, body: {query: ./q.graphql}, schema: ./s.graphql}\n',
      ),
      [
        { action: 'inline', path: 'spec.trigger.graphql.body.query', filePath: './q.graphql' },
        { action: 'inline', path: 'spec.trigger.graphql.schema', filePath: './s.graphql' },
      ],
    ],
    [
      'suite steps (ids are not paths)',
      'type: TestSuite\nspec:\n  name: s\n  steps: [./a.yaml, ship-order, ../b.yaml]\n',
      [
        { action: 'apply', path: 'spec.steps[0]', filePath: './a.yaml', expectedType: 'Test' },
        { action: 'apply', path: 'spec.steps[2]', filePath: '../b.yaml', expectedType: 'Test' },
      ],
    ],
    [
      'monitor tests and suites',
      'type: Monitor\nspec:\n  tests: [./t.yaml, id1]\n  testSuites: [./s.yaml]\n',
      [
        { action: 'apply', path: 'spec.tests[0]', filePath: './t.yaml', expectedType: 'Test' },
        { action: 'apply', path: 'spec.testSuites[0]', filePath: './s.yaml', expectedType: 'TestSuite' },
      ],
    ],
    [
      'texts that are not paths',
      trigger('    type: http\n    httpRequest: {method: POST, url: http://x, body: \'{"a": 1}\'}\n'),
      [],
    ],
    ['a kind without references', 'type: Config\nspec: {analyticsEnabled: true}\n', []],
  ])('lists %s', (_, yaml, references) => {
    expect(collectFileReferences(read(yaml))).toEqual(references);
  });
});

describe('replaceFileReferences', () => {
  it('replaces inlined and applied references and keeps the others', () => {
    const resource = read(`type: Test
spec:
  name: t
  pollingProfile: ./slow.yaml
  trigger:
    type: grpc
    grpc: {protobufFile: ./api.proto, address: a:1, method: p.S.M}
`);
    const replaced = replaceFileReferences(resource, (ref) =>
      ref.action === 'inline' ? 'syntax = "proto3";' : undefined,
    );
    expect(replaced).toMatchObject({
      spec: { pollingProfile: './slow.yaml', trigger: { grpc: { protobufFile: 'syntax = "proto3";' } } },
    });
    expect(resource).toMatchObject({ spec: { trigger: { grpc: { protobufFile: './api.proto' } } } });
    expect(collectFileReferences(replaced)).toEqual([
      {
        action: 'apply',
        path: 'spec.pollingProfile',
        filePath: './slow.yaml',
        expectedType: 'PollingProfile',
      },
    ]);
  });

  it('replaces suite steps by the ids of the applied tests', () => {
    const ids = new Map([['./a.yaml', 'id-a']]);
    const replaced = replaceFileReferences(
      read('type: TestSuite\nspec:\n  name: s\n  steps: [./a.yaml, ship-order]\n'),
      (ref) => ids.get(ref.filePath),
    );
    expect(replaced).toEqual({ type: 'TestSuite', spec: { name: 's', steps: ['id-a', 'ship-order'] } });
  });
});
