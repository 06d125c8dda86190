import { printDefinition, type Resource } from '@tracecheck/core';
import type { RouteResult } from './api-route';
import type { ResourcePage, ResourceView } from './resource-service';

/** How a resource answer is written, from the request's `Accept` header. */
type ResourceFormat = 'json' | 'yaml' | 'yaml-stream';

const YAML_TYPES = new Set(['text/yaml', 'application/yaml', 'application/x-yaml', 'text/x-yaml']);
const YAML_CONTENT_TYPE = 'text/yaml; charset=utf-8';
const YAML_STREAM_CONTENT_TYPE = 'text/yaml-stream; charset=utf-8';

/** Computed fields that help a screen but do not belong in a file a user edits and applies again. */
const FIELDS_LEFT_OUT_OF_YAML = new Set(['summary', 'fullSteps']);

/**
 * The first media type of `Accept` the API can write: `text/yaml-stream` (lists as documents separated
 * by `---`), a YAML type, or JSON (also for `*\/*` and when the header is absent).
 * @example negotiateResourceFormat('text/yaml-stream, application/json') // 'yaml-stream'
 */
export function negotiateResourceFormat(accept: string | undefined): ResourceFormat {
  for (const part of (accept ?? '').split(',')) {
    const type = (part.split(';')[0] ?? '').trim().toLowerCase();
    if (type === 'text/yaml-stream') return 'yaml-stream';
    if (YAML_TYPES.has(type)) return 'yaml';
    if (type === 'application/json' || type === '*/*' || type === 'application/*') return 'json';
  }
  return 'json';
}

/** The YAML document of a resource, as `tracecheck get` prints it and `apply` reads it back. */
function printResourceYaml(view: ResourceView): string {
  const spec = Object.fromEntries(
    Object.entries(view.spec).filter(([key]) => !FIELDS_LEFT_OUT_OF_YAML.has(key)),
  );
  // Every stored spec was read by parseDefinition before it was stored (or is a built-in default of
  // the same shape), so it is the spec of its kind.
  const resource = { type: view.type, spec } as Resource;
  return printDefinition(resource, { maskSecrets: true });
}

/** Indents a YAML document as an item of a block sequence; blank lines stay blank (block scalars keep them). */
function asSequenceItem(document: string): string {
  const lines = document.replace(/\n$/, '').split('\n');
  return lines
    .map((line, index) => (index === 0 ? `  - ${line}` : line === '' ? '' : `    ${line}`))
    .join('\n');
}

/** One resource as JSON `{type, spec}` or YAML. */
export function renderResource(view: ResourceView, format: ResourceFormat, status: number): RouteResult {
  if (format === 'json') return { kind: 'json', status, body: view };
  return { kind: 'text', status, body: printResourceYaml(view), contentType: YAML_CONTENT_TYPE };
}

/** A page as JSON `{count, items}`, as YAML of the same, or as a stream of documents each after `---`. */
export function renderResourceList(page: ResourcePage, format: ResourceFormat): RouteResult {
  switch (format) {
    case 'json':
      return { kind: 'json', status: 200, body: page };
    case 'yaml-stream':
      return {
        kind: 'text',
        status: 200,
        body: page.items.map((item) => `---\n${printResourceYaml(item)}`).join(''),
        contentType: YAML_STREAM_CONTENT_TYPE,
      };
    case 'yaml': {
      const items = page.items.map((item) => asSequenceItem(printResourceYaml(item)));
      const body =
        items.length === 0
          ? `count: ${page.count}\nitems: []\n`
          : `count: ${page.count}\nitems:\n${items.join('\n')}\n`;
      return { kind: 'text', status: 200, body, contentType: YAML_CONTENT_TYPE };
    }
  }
}
