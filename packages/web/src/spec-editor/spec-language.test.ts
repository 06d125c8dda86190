import { buildTrace } from '@tracecheck/core/testing';
import { describe, expect, it } from 'vitest';
import {
  applySuggestion,
  assertionFromAttribute,
  checkAssertion,
  checkSelector,
  expressionSuggestions,
  previewSelection,
  selectorForSpan,
  selectorSuggestions,
  traceVocabulary,
} from './spec-language';

const TRACE = buildTrace([
  {
    id: 1,
    name: 'GET /orders',
    kind: 'server',
    startMs: 0,
    endMs: 100,
    attributes: { 'http.method': 'GET', 'http.status_code': '200' },
  },
  {
    id: 2,
    parent: 1,
    name: 'SELECT orders',
    startMs: 10,
    endMs: 20,
    attributes: { 'db.system': 'postgresql', 'db.statement': 'SELECT 1' },
  },
  {
    id: 3,
    parent: 1,
    name: 'SELECT items',
    startMs: 30,
    endMs: 40,
    attributes: { 'db.system': 'postgresql' },
  },
]);
const VOCABULARY = traceVocabulary(TRACE);

const inserts = (list: readonly { insert: string }[]) => list.map((item) => item.insert);

describe('traceVocabulary', () => {
  it('lists the attribute names and span types present in the trace', () => {
    expect(VOCABULARY.attributeNames).toEqual(
      expect.arrayContaining(['db.statement', 'db.system', 'http.method']),
    );
    expect(VOCABULARY.spanTypes).toEqual(expect.arrayContaining(['database', 'http']));
    expect(traceVocabulary(null)).toEqual({ attributeNames: [], spanTypes: [] });
  });
});

describe('selectorSuggestions', () => {
  it('offers span[ and one selector per span type at the start', () => {
    const list = inserts(selectorSuggestions('', 0, VOCABULARY));
    expect(list).toContain('span[');
    expect(list).toContain('span[tracetest.span.type="database"]');
  });

  it('offers the trace attribute names inside brackets, those starting with the typed text first', () => {
    const text = 'span[db.';
    const list = inserts(selectorSuggestions(text, text.length, VOCABULARY));
    expect(list.slice(0, 2)).toEqual(['db.statement', 'db.system']);
    expect(list).not.toContain('http.method');
  });

  it('offers operators after an attribute name, span types after tracetest.span.type=', () => {
    expect(inserts(selectorSuggestions('span[db.system ', 15, VOCABULARY))).toContain('contains');
    const text = 'span[tracetest.span.type=';
    expect(inserts(selectorSuggestions(text, text.length, VOCABULARY))).toContain('"database"');
  });

  it('offers pseudo-classes after a colon, and nothing inside a string', () => {
    const text = 'span[name="x"]:f';
    expect(inserts(selectorSuggestions(text, text.length, VOCABULARY))).toEqual(['first']);
    expect(selectorSuggestions('span[name="db', 13, VOCABULARY)).toEqual([]);
  });

  it('replaces the typed word when a suggestion is applied', () => {
    const text = 'span[db.sy] > span';
    const [suggestion] = selectorSuggestions(text, 10, VOCABULARY);
    expect(applySuggestion(text, 10, suggestion!)).toEqual({ text: 'span[db.system] > span', cursor: 14 });
  });
});

describe('expressionSuggestions', () => {
  it('offers attr: with the trace attribute names', () => {
    const text = 'attr:http.s';
    expect(inserts(expressionSuggestions(text, text.length, VOCABULARY))).toEqual(['attr:http.status_code']);
  });

  it('offers comparators after a value and filters after a pipe', () => {
    expect(inserts(expressionSuggestions('attr:db.system ', 15, VOCABULARY))).toContain('=');
    expect(inserts(expressionSuggestions('attr:db.statement | ', 20, VOCABULARY))).toContain('json_path');
  });
});

describe('checks', () => {
  it('accepts valid selectors and assertions', () => {
    expect(checkSelector('span[tracetest.span.type="database" name="SELECT orders"]').ok).toBe(true);
    expect(checkAssertion('attr:http.status_code = 200').ok).toBe(true);
  });

  it('gives the position of a selector syntax error', () => {
    const checked = checkSelector('span[name=]');
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.problem.offset).toBe(10);
    expect(checked.problem.column).toBe(11);
    expect(checked.problem.message).not.toBe('');
  });

  it('gives the position of an assertion syntax error', () => {
    const checked = checkAssertion('attr:http.status_code = = 200');
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.problem.offset).toBeGreaterThan(20);
    expect(checkAssertion('  ').ok).toBe(false);
  });
});

describe('previewSelection', () => {
  it('marks the spans the selector matches', () => {
    const checked = checkSelector('span[db.system="postgresql"]');
    if (!checked.ok) throw new Error(checked.problem.message);
    const preview = previewSelection(TRACE, checked.value);
    expect(preview.count).toBe(2);
    expect([...preview.mask]).toEqual([0, 1, 1]);
  });
});

describe('helpers', () => {
  it('writes assertions and selectors from a span', () => {
    expect(assertionFromAttribute('http.status_code', '200')).toBe('attr:http.status_code = 200');
    expect(assertionFromAttribute('db.system', 'postgresql')).toBe('attr:db.system = "postgresql"');
    const selector = selectorForSpan({ type: 'database', name: 'SELECT "x"' });
    expect(checkSelector(selector).ok).toBe(true);
  });
});
