import { describe, expect, it } from 'vitest';
import { evaluateJsonPath } from './evaluate-json-path';
import { type JsonNode, parseJsonDocument, renderJsonCompact } from './json-document';

const SOURCE = `{
  "store": {
    "book": [
      {"category": "reference", "author": "Nigel Rees", "title": "Sayings", "price": 8.95},
      {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword", "price": 12.99},
      {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553", "price": 8.99},
      {"category": "fiction", "author": "J. R. R. Tolkien", "title": "LOTR", "isbn": "0-395", "price": 22.99}
    ],
    "bicycle": {"color": "red", "price": 19.95}
  },
  "count(*)": 3, "b": 1, "2": 0, "flag": true, "none": null, "n": 1.0, "x-id": "h"
}`;

function documentOf(text: string): JsonNode {
  const parsed = parseJsonDocument(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.node;
}

const DOCUMENT = documentOf(SOURCE);

function run(path: string): string[] {
  const result = evaluateJsonPath(path, DOCUMENT);
  if (!result.ok) throw new Error(result.message);
  return result.nodes.map(renderJsonCompact);
}

describe('evaluateJsonPath', () => {
  it.each([
    ['$.store.bicycle.color', ['"red"']],
    ['.store.bicycle.color', ['"red"']],
    ['store.bicycle.color', ['"red"']],
    ['$.x-id', ['"h"']],
    ["$['count(*)']", ['3']],
    ['$["b","2"]', ['1', '0']],
    ["$['b', '2']", ['1', '0']],
    ['$.store.book[*].author', ['"Nigel Rees"', '"Evelyn Waugh"', '"Herman Melville"', '"J. R. R. Tolkien"']],
    ['$..author', ['"Nigel Rees"', '"Evelyn Waugh"', '"Herman Melville"', '"J. R. R. Tolkien"']],
    ['$..price', ['8.95', '12.99', '8.99', '22.99', '19.95']],
    ['$.store.bicycle.*', ['"red"', '19.95']],
    ['$.store.bicycle[*]', ['"red"', '19.95']],
    ['$.store.book[2].title', ['"Moby Dick"']],
    ['$.store.book[-1].title', ['"LOTR"']],
    ['$.store.book[9].title', []],
    ['$.store.book[0,1].title', ['"Sayings"', '"Sword"']],
    ['$.store.book[:2].title', ['"Sayings"', '"Sword"']],
    ['$.store.book[1:3].title', ['"Sword"', '"Moby Dick"']],
    ['$.store.book[-2:].title', ['"Moby Dick"', '"LOTR"']],
    ['$.store.book[::2].title', ['"Sayings"', '"Moby Dick"']],
    ['$.store.book[::-1].title', ['"LOTR"', '"Moby Dick"', '"Sword"', '"Sayings"']],
    ['$.store.book[?(@.isbn)].title', ['"Moby Dick"', '"LOTR"']],
    ['$.store.book[?(@.price < 10)].title', ['"Sayings"', '"Moby Dick"']],
    ['$.store.book[?(@.price == 8.950)].title', ['"Sayings"']],
    ["$.store.book[?(@.price < 10 && @.category == 'fiction')].title", ['"Moby Dick"']],
    ['$.store.book[?(@.category == "reference" || @.price > 20)].title', ['"Sayings"', '"LOTR"']],
    ['$.store.book[?(!(@.price < 10))].title', ['"Sword"', '"LOTR"']],
    ['$.store.book[?(@.author =~ /^H/)].title', ['"Moby Dick"']],
    ["$.store.book[?(@.category in ['reference'])].title", ['"Sayings"']],
    ['$.store.book[?(@.price > $.store.bicycle.price)].title', ['"LOTR"']],
    ['$.store.book[?(@.category != "fiction")].title', ['"Sayings"']],
    ['$.store.book[?(@.title >= "S")].title', ['"Sayings"', '"Sword"']],
    ['$.store.book[?@.isbn == "0-553"].title', ['"Moby Dick"']],
    ["$..book[?(@.isbn == '0-395')].author", ['"J. R. R. Tolkien"']],
    ['$.store[?(@.color == "red")].price', ['19.95']],
    ['$.n', ['1.0']],
    ['$.none', ['null']],
    ['$.flag', ['true']],
    ['$.missing', []],
    ['$.store.bicycle', ['{"color":"red","price":19.95}']],
    ['$["2","b"]', ['0', '1']],
  ])('%s', (path, expected) => {
    expect(run(path)).toEqual(expected);
  });

  it('returns the whole document for $, in source key order', () => {
    const [root] = run('$');
    expect(root).toMatch(/^\{"store":\{"book":\[\{"category":"reference",.*"count\(\*\)":3,"b":1,"2":0,/);
  });

  it.each([
    ['$[?(@.name = "retry")].name', '"=" alone is not one'],
    ['$.', 'a member name'],
    ['$[', 'a quoted name, an index'],
    ["$['a'", 'expected "]"'],
    ["$['a]", 'the closing'],
    ['$.a[?(@.x == )]', 'a value'],
    ['', 'a path'],
    ['$..', 'a member name'],
    ['$.a b', 'the end of the path'],
  ])('rejects %j', (path, message) => {
    const result = evaluateJsonPath(path, DOCUMENT);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });
});

describe('parseJsonDocument', () => {
  it.each([
    ['{"b":1,"2":0,"a":{"z":1,"y":2}}', '{"b":1,"2":0,"a":{"z":1,"y":2}}'],
    [' [1.0, -0.5e3, "\\u00e9\\n", true, false, null] ', '[1.0,-0.5e3,"é\\n",true,false,null]'],
    ['{"a":1,"a":2}', '{"a":2}'],
    ['"text"', '"text"'],
  ])('keeps order and number text of %s', (text, compact) => {
    const parsed = parseJsonDocument(text);
    expect(parsed.ok && renderJsonCompact(parsed.node)).toBe(compact);
  });

  it.each(['', '{', '{"a":}', '[1,]', '01', '{"a":1}x', "{'a':1}", '"\t"', '"\\x"', '[1 2]'])(
    'rejects %j',
    (text) => {
      expect(parseJsonDocument(text).ok).toBe(false);
    },
  );

  it('rejects documents nested too deeply instead of overflowing the stack', () => {
    const result = parseJsonDocument('['.repeat(5000) + ']'.repeat(5000));
    expect(!result.ok && result.message).toContain('nested deeper');
  });
});
