import { describe, expect, it } from 'vitest';
import {
  detectDefinitionType,
  insertIdIntoDefinitionText,
  looksLikePath,
  parseDefinition,
  substituteEnvironmentPlaceholders,
} from './index';

describe('detectDefinitionType (SPEC §1.1)', () => {
  it.each([
    ['type: Test\nspec: {}\n', 'Test'],
    ['# comment\n---\ntype: TestSuite\n', 'TestSuite'],
    ['spec:\n  type: http\ntype: Transaction\n', 'Transaction'],
    ['  type: Test\n', ''],
    ['type: "Test"\n', ''],
    ['type:\tVariableSet\n', 'VariableSet'],
    ['name: x\n', ''],
  ])('%j is %j', (text, type) => {
    expect(detectDefinitionType(text)).toBe(type);
  });
});

describe('insertIdIntoDefinitionText (SPEC §1.3, Y01, Q22 recommended)', () => {
  it('inserts id right before the first key of spec with its indentation (Y01)', () => {
    const text = 'type: Test\nspec:\n  name: x\n  trigger:\n    type: k6\n';
    expect(insertIdIntoDefinitionText(text, 'gen-1')).toBe(
      'type: Test\nspec:\n  id: gen-1\n  name: x\n  trigger:\n    type: k6\n',
    );
  });

  it('inserts at the first key of spec even after a blank line between type and spec (Q22)', () => {
    const text = 'type: Test\n\nspec:\n    # four-space indentation\n    name: x\n    trigger: {type: k6}\n';
    const written = insertIdIntoDefinitionText(text, 'abc');
    expect(written).toBe(
      'type: Test\n\nspec:\n    # four-space indentation\n    id: abc\n    name: x\n    trigger: {type: k6}\n',
    );
    expect(parseDefinition(written).resource).toMatchObject({ spec: { id: 'abc', name: 'x' } });
  });

  it('keeps the file unchanged when spec already has an id', () => {
    const text = 'type: Test\nspec:\n  name: x\n  id: mine\n';
    expect(insertIdIntoDefinitionText(text, 'new')).toBe(text);
  });

  it('does not mistake a nested id (trigger.traceid.id) for the spec id', () => {
    const text =
      'type: Test\nspec:\n  name: x\n  trigger:\n    type: traceid\n    traceid:\n      id: ${var:T}\n';
    expect(insertIdIntoDefinitionText(text, 'n1')).toBe(
      'type: Test\nspec:\n  id: n1\n  name: x\n  trigger:\n    type: traceid\n    traceid:\n      id: ${var:T}\n',
    );
  });

  it('keeps comments and Windows line endings', () => {
    const text = '# my test\r\ntype: Test # kind\r\nspec:\r\n  name: x # the name\r\n';
    expect(insertIdIntoDefinitionText(text, 'w1')).toBe(
      '# my test\r\ntype: Test # kind\r\nspec:\r\n  id: w1\r\n  name: x # the name\r\n',
    );
  });

  it('writes into a flow mapping spec', () => {
    expect(insertIdIntoDefinitionText('type: Config\nspec: {analyticsEnabled: true}\n', 'current')).toBe(
      'type: Config\nspec: {id: current, analyticsEnabled: true}\n',
    );
    expect(insertIdIntoDefinitionText('type: Config\nspec: {}\n', 'c')).toBe('type: Config\nspec: {id: c}\n');
  });

  it('quotes an id that YAML would not read back as the same text', () => {
    const written = insertIdIntoDefinitionText('type: Test\nspec:\n  name: x\n', 'a: b');
    expect(written).toBe('type: Test\nspec:\n  id: "a: b"\n  name: x\n');
    expect(parseDefinition(`${written}  trigger: {type: k6}\n`).resource).toMatchObject({
      spec: { id: 'a: b' },
    });
  });

  it.each([['type: Test\n'], ['type: Test\nspec: x\n'], ['- a\n'], ['']])(
    'leaves %j unchanged when there is no spec mapping',
    (text) => {
      expect(insertIdIntoDefinitionText(text, 'x')).toBe(text);
    },
  );
});

describe('substituteEnvironmentPlaceholders (SPEC §2.2, Y04)', () => {
  const env: Record<string, string> = { HOST: 'h1', TOKEN_2: 't' };
  const lookup = (name: string) => env[name];

  it('replaces ${NAME} from the OS environment and leaves ${env:X} for the server (Y04)', () => {
    const text =
      'url: http://${HOST}/x\nheaders:\n  - {key: H, value: ${env:HOST}}\n  - {key: V, value: ${var:HOST}}\n';
    expect(substituteEnvironmentPlaceholders(text, lookup)).toBe(
      'url: http://h1/x\nheaders:\n  - {key: H, value: ${env:HOST}}\n  - {key: V, value: ${var:HOST}}\n',
    );
  });

  it.each([
    ['${TOKEN_2}${HOST}', 'th1'],
    ['${MISSING}', ''],
    ['${ HOST }', '${ HOST }'],
    ['$HOST', '$HOST'],
    ['${uuid()}', '${uuid()}'],
  ])('%j becomes %j', (text, expected) => {
    expect(substituteEnvironmentPlaceholders(text, lookup)).toBe(expected);
  });
});

describe('looksLikePath (SPEC §9.6)', () => {
  it.each([
    ['./api.proto', true],
    ['../shared/t.yaml', true],
    ['/abs/path', true],
    ['script.js', false],
    ['.hidden', false],
    ['ship-order', false],
    ['', false],
  ])('%j → %s', (text, expected) => {
    expect(looksLikePath(text)).toBe(expected);
  });
});
