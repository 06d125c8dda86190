import { describe, expect, it } from 'vitest';
import { addLegacyAttrPrefixes, parseSpecSelector, parseSpecStatement } from './legacy-syntax';

describe('legacy syntax repairs', () => {
  it.each([
    ['http.status_code = 200', 'attr:http.status_code = 200'],
    [
      'tracetest.response.body contains "\\"id\\": 52"',
      'attr:tracetest.response.body contains "\\"id\\": 52"',
    ],
    ['tracetest.span.duration <= 100ms', 'attr:tracetest.span.duration <= 100ms'],
    ['attr:http.status_code = 200', undefined],
    ['"a.b" = var:X', undefined],
  ])('%s', (input, expected) => {
    expect(addLegacyAttrPrefixes(input)).toBe(expected);
  });

  it('repairs an assertion only when the plain parse fails', () => {
    expect(parseSpecStatement('attr:x = 1')).toMatchObject({ ok: true });
    expect(parseSpecStatement('attr:x = 1')).not.toHaveProperty('repair');
    expect(parseSpecStatement('db.system = "redis"')).toMatchObject({
      ok: true,
      repair: { text: 'attr:db.system = "redis"' },
    });
    expect(parseSpecStatement('attr:x ==').ok).toBe(false);
  });

  it('reads typographic quotes in selectors as plain quotes, with a repair note', () => {
    const r = parseSpecSelector('span[name = “Tracetest trigger”]');
    expect(r).toMatchObject({ ok: true, repair: { text: 'span[name = "Tracetest trigger"]' } });
    expect(parseSpecSelector('span[name=]').ok).toBe(false);
  });
});
