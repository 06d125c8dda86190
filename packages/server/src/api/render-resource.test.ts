import { parseDefinition } from '@tracecheck/core';
import { describe, expect, it } from 'vitest';
import { negotiateResourceFormat, renderResource, renderResourceList } from './render-resource';
import type { ResourceView } from './resource-service';

describe('negotiateResourceFormat', () => {
  it.each([
    [undefined, 'json'],
    ['', 'json'],
    ['*/*', 'json'],
    ['application/json', 'json'],
    ['text/yaml', 'yaml'],
    ['application/x-yaml; q=0.9', 'yaml'],
    ['text/yaml-stream', 'yaml-stream'],
    ['text/html, text/yaml-stream, application/json', 'yaml-stream'],
    ['application/json, text/yaml', 'json'],
    ['text/html', 'json'],
  ] as const)('%s → %s', (accept, expected) => {
    expect(negotiateResourceFormat(accept)).toBe(expected);
  });
});

const VIEW: ResourceView = {
  type: 'Test',
  spec: {
    id: 't1',
    name: 'multi-line',
    description: 'first line\n\nthird line after a blank one\n',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Tracetest expression, not a JavaScript template
    trigger: { type: 'traceid', traceid: { id: '${var:TRACE_ID}' } },
    specs: [],
    outputs: [],
    skipTraceCollection: false,
    version: 2,
    summary: { runs: 3 },
    fullSteps: [],
  },
};

describe('renderResource', () => {
  it('answers JSON {type, spec} with every field', () => {
    expect(renderResource(VIEW, 'json', 201)).toEqual({ kind: 'json', status: 201, body: VIEW });
  });

  it('answers YAML without the computed summary, which reads back to the same test', () => {
    const result = renderResource(VIEW, 'yaml', 200);
    if (result.kind !== 'text') throw new Error('expected a text answer');
    expect(result.contentType).toBe('text/yaml; charset=utf-8');
    expect(result.body).not.toContain('summary');
    expect(parseDefinition(result.body).resource).toMatchObject({
      type: 'Test',
      spec: { id: 't1', description: VIEW.spec.description, version: 2 },
    });
  });
});

describe('renderResourceList', () => {
  it('indents each document as an item of {count, items}, blank lines of block scalars kept', () => {
    const result = renderResourceList({ count: 7, items: [VIEW, VIEW] }, 'yaml');
    if (result.kind !== 'text') throw new Error('expected a text answer');
    const [header, ...rest] = result.body.split('\n  - ');
    expect(header).toBe('count: 7\nitems:');
    for (const item of rest) {
      const document = item
        .split('\n')
        .map((line, index) => (index === 0 ? line : line.replace(/^ {4}/, '')))
        .join('\n');
      expect(parseDefinition(document).resource?.spec).toMatchObject({ description: VIEW.spec.description });
    }
    expect(rest).toHaveLength(2);
  });

  it.each([
    ['yaml', 'count: 0\nitems: []\n'],
    ['yaml-stream', ''],
  ] as const)('answers an empty page as %s', (format, body) => {
    expect(renderResourceList({ count: 0, items: [] }, format)).toMatchObject({ kind: 'text', body });
  });
});
