import { describe, expect, it } from 'vitest';
import { VALID_EXAMPLES } from './definition-examples';
import { parseDefinition, printDefinition, type Resource, type TestResource } from './index';

function roundTrip(resource: Resource): Resource | undefined {
  const parsed = parseDefinition(printDefinition(resource));
  expect(parsed.problems).toEqual([]);
  return parsed.resource;
}

describe('printDefinition', () => {
  it.each(VALID_EXAMPLES)('round-trips the $name through print → parse', ({ resource }) => {
    expect(roundTrip(resource)).toEqual(resource);
  });

  it('prints keys in the order of the SPEC tables, whatever the order of the object', () => {
    const scrambled: TestResource = {
      spec: {
        outputs: [{ value: 'attr:x', selector: 's', name: 'OUT' }],
        specs: [{ assertions: ['attr:x = 1'], name: 'n', selector: 's' }],
        trigger: {
          httpRequest: {
            sslVerification: true,
            body: 'b',
            headers: [{ value: 'v', key: 'k' }],
            method: 'GET',
            url: 'http://x',
          },
          type: 'http',
        },
        skipTraceCollection: true,
        description: 'd',
        name: 'n',
        id: 'i',
      },
      type: 'Test',
    };
    expect(printDefinition(scrambled)).toBe(`type: Test
spec:
  id: i
  name: n
  description: d
  trigger:
    type: http
    httpRequest:
      url: http://x
      method: GET
      headers:
        - key: k
          value: v
      body: b
      sslVerification: true
  specs:
    - selector: s
      name: n
      assertions:
        - attr:x = 1
  outputs:
    - name: OUT
      selector: s
      value: attr:x
  skipTraceCollection: true
`);
  });

  it('leaves out values equal to the defaults that reading fills in', () => {
    const minimal = VALID_EXAMPLES.find((e) => e.name === 'minimal Test')!;
    expect(printDefinition(minimal.resource)).toBe(`type: Test
spec:
  name: ping
  trigger:
    type: http
    httpRequest:
      url: http://api.local/health
      method: GET
`);
    const profile = VALID_EXAMPLES.find((e) => e.name === 'minimal PollingProfile')!;
    expect(printDefinition(profile.resource)).toBe(`type: PollingProfile
spec:
  name: default
  default: false
  strategy: periodic
  periodic:
    retryDelay: 5s
    timeout: 1m
`);
  });

  it('prints canonical kinds: a legacy Transaction is printed as a TestSuite', () => {
    const parsed = parseDefinition('type: Transaction\nspec:\n  name: t\n  steps: [a]\n');
    expect(printDefinition(parsed.resource!)).toBe('type: TestSuite\nspec:\n  name: t\n  steps:\n    - a\n');
  });

  it('quotes texts that YAML would read as numbers, booleans or null (Q32)', () => {
    const text = printDefinition({
      type: 'VariableSet',
      spec: {
        name: '2024',
        values: [
          { key: 'A', value: '0045', type: 'raw' },
          { key: 'B', value: 'true', type: 'raw' },
          { key: 'C', value: 'null', type: 'raw' },
          { key: 'D', value: '', type: 'raw' },
        ],
      },
    });
    expect(text).toBe(`type: VariableSet
spec:
  name: "2024"
  values:
    - key: A
      value: "0045"
    - key: B
      value: "true"
    - key: C
      value: "null"
    - key: D
      value: ""
`);
  });

  it('masks secret values on request (SPEC §6.5)', () => {
    const rich = VALID_EXAMPLES.find((e) => e.name === 'rich VariableSet')!;
    const masked = printDefinition(rich.resource, { maskSecrets: true });
    expect(masked).toContain('    - key: TOKEN\n      value: "********"\n      type: secret\n');
    expect(masked).not.toContain('s3cr3t');
    expect(printDefinition(rich.resource)).toContain('value: s3cr3t');
  });

  it.each([
    ['multi-line text', 'line one\nline two\n'],
    ['text without final newline', 'a\nb'],
    ['leading and trailing spaces', '  padded  '],
    ['YAML indicators', '- item: *alias &anchor !tag %directive @at `tick` #hash'],
    ['quotes', `it's "quoted" \\ back`],
    ['a colon and a hash', 'key: value # not a comment'],
    ['tabs and carriage returns', 'a\tb\r\nc'],
    ['unicode', 'café ☕ 𝄞'],
    ['a long line', 'x '.repeat(120).trim()],
    ['blank lines inside', 'a\n\n\nb\n'],
    ['only spaces', '   '],
  ])('round-trips %s exactly', (_, text) => {
    const resource: TestResource = {
      type: 'Test',
      spec: {
        name: text,
        description: text,
        trigger: {
          type: 'http',
          httpRequest: {
            url: 'http://x',
            method: 'POST',
            headers: [{ key: 'X', value: text }],
            body: text,
            sslVerification: false,
          },
        },
        specs: [{ selector: text, assertions: [text] }],
        outputs: [{ name: 'OUT', selector: text, value: text }],
        skipTraceCollection: false,
      },
    };
    expect(roundTrip(resource)).toEqual(resource);
  });
});
