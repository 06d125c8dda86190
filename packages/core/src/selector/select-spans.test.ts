import { describe, expect, it } from 'vitest';
import { buildTrace, F1, type FixtureSpan } from '../testing/index';
import type { Trace } from '../trace/model';
import { applyFilter } from './apply-filter';
import { parseSelector } from './parse-selector';
import { printSelector } from './print-selector';
import { selectSpans } from './select-spans';
import { SelectionIndex } from './selection-index';
import {
  type Compound,
  compoundsOf,
  type PseudoClass,
  positionOf,
  type RelativeSelector,
  type Selector,
} from './selector';

// ---------------------------------------------------------------------------------------------
// Reference: SPEC §4.4 pseudo-code run literally (quadratic; fine on small traces).
// ---------------------------------------------------------------------------------------------

interface Segment {
  readonly combinator: 'descendant' | 'child';
  readonly compound: Compound<PseudoClass>;
}

function dedup(list: readonly number[]): number[] {
  return [...new Set(list)];
}

function referenceSelect(trace: Trace, selector: Selector): number[] {
  const n = trace.spans.length;
  const preorder = (x: number) => Array.from({ length: trace.subtreeEnd[x]! - x }, (_, i) => x + i);
  if (n === 0) return [];
  if (selector.complexes.length === 0) return preorder(0);

  const index = new SelectionIndex(trace);
  // Memoised only so that nested :has() stays affordable; the result per (compound, span) is fixed.
  const memo = new Map<Compound, Map<number, boolean>>();
  const matchesCompound = (compound: Compound, x: number): boolean => {
    let known = memo.get(compound);
    if (!known) {
      known = new Map();
      memo.set(compound, known);
    }
    let result = known.get(x);
    if (result === undefined) {
      result = computeMatch(compound, x);
      known.set(x, result);
    }
    return result;
  };
  const filterBits = new Map<Compound, Uint8Array>();
  const passesFilters = (compound: Compound, x: number): boolean => {
    let bits = filterBits.get(compound);
    if (!bits) {
      bits = new Uint8Array(n).fill(1);
      for (const filter of compound.filters) applyFilter(filter, index, bits);
      filterBits.set(compound, bits);
    }
    return bits[x] === 1;
  };
  const computeMatch = (compound: Compound, x: number): boolean => {
    if (!passesFilters(compound, x)) return false;
    for (const pseudo of compound.pseudoClasses) {
      if (pseudo.name === 'not' && pseudo.compounds.some((c) => matchesCompound(c, x))) return false;
      if (pseudo.name === 'has' && !pseudo.branches.some((b) => hasMatch(b, x))) return false;
    }
    return true;
  };
  const hasMatch = (branch: RelativeSelector, x: number): boolean => {
    const segments = segmentsOf(branch.selector);
    const candidates = branch.combinator === 'child' ? [...trace.children[x]!] : preorder(x).slice(1);
    return evalSS(segments, 0, candidates, x).length > 0;
  };
  const segmentsOf = (complex: Selector['complexes'][number]): Segment[] => [
    { combinator: 'descendant', compound: complex.head },
    ...complex.tail,
  ];
  const evalSS = (
    segments: Segment[],
    i: number,
    candidates: readonly number[],
    anc: number | null,
  ): number[] => {
    const segment = segments[i]!;
    let acc: number[] = [];
    for (const x of candidates) {
      if (!matchesCompound(segment.compound, x)) continue;
      const next = segments[i + 1];
      if (!next) acc.push(x);
      else if (next.combinator === 'child') acc.push(...evalSS(segments, i + 1, trace.children[x]!, x));
      else acc.push(...evalSS(segments, i + 1, preorder(x), x));
    }
    acc = dedup(acc).filter((s) => s !== anc);
    const position = positionOf(segment.compound);
    if (position) {
      const index =
        position.name === 'first' ? 0 : position.name === 'last' ? acc.length - 1 : position.n - 1;
      acc = index >= 0 && index < acc.length ? [acc[index]!] : [];
    }
    return acc;
  };
  const out: number[] = [];
  for (const complex of selector.complexes) out.push(...evalSS(segmentsOf(complex), 0, preorder(0), null));
  return dedup(out);
}

// ---------------------------------------------------------------------------------------------
// SPEC §12.1 on F1 (rec. results for Q cases, Tracecheck results for X cases) and §12.5 T04.
// ---------------------------------------------------------------------------------------------

/** Selected spans as the short decimal ids SPEC §12 uses. */
function idsOf(trace: Trace, indexes: readonly number[]): number[] {
  return indexes.map((i) => Number.parseInt(trace.spans[i]!.id, 16));
}

const ALL = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

const S_CASES: readonly [string, string, readonly number[]][] = [
  ['S01', '', ALL],
  ['S02', 'span[]', ALL],
  ['S04', 'span[name="GET /stock" service.name="worker"]', [9, 10]],
  ['S05', 'span[name="GET /stock", service.name="worker"]', [9, 10]],
  ['S07', 'span[name="GET /stock"]:last', [10]],
  ['S08', 'span[name="GET /stock"]:nth_child(2)', [5]],
  ['S10', 'span[name="GET /stock"]:nth_child(5)', []],
  ['S11', 'span[name="POST /orders"] span[name="GET /stock"]', [4, 5, 9, 10]],
  ['S13', 'span[name="GET /stock"] span[name="GET /stock"]', [5]],
  ['S14', 'span[name="GET /stock"] span[name="GET /stock"]:first', [5]],
  ['S16', 'span[name="orders process"] span[http.status_code="503"]', [9]],
  ['S17', 'span[name="POST /orders"] span[name="orders process"] span[name="GET /stock"]:nth_child(2)', [10]],
  ['S19', 'span[service.name="orders"]:last span[tracetest.span.type="http"]', [10]],
  ['S20', 'span[kind="server"] span[kind="client"]', [3, 4, 6, 9, 10]],
  ['S22', 'span[tracetest.span.type="db"]', []],
  ['S23', 'span[tracetest.span.type="messaging"]', [7, 8]],
  ['S25', 'span[kind="client"]', [3, 4, 6, 9, 10]],
  ['S26', 'span[name contains "stock"]', [4, 5, 6, 9, 10]],
  ['S28', 'span[db.system="redis"], span[db.system="postgresql"]', [6, 3]],
  ['S29', 'span[tracetest.span.type="http"]:last, span[tracetest.span.type="database"]:first', [10, 3]],
  ['S31', 'span[retry=2]', [10]],
  ['S32', 'span[app.total=12.5]', [11]],
  ['S34', 'span[app.flag=true]', [11]],
  ['S35', 'span[app.missing=""]', ALL],
  ['S37', 'span[name="nope"]', []],
  ['S38', 'span[tracetest.span.parent_id="0000000000000008"]', [9, 10, 11]],
  ['S41', 'span[http.status_code!="200"]', [1, 2, 3, 6, 7, 8, 9, 11]],
  ['S44', 'span[k8s.pod-name="p"]', []],
];

describe('SPEC §12.1 selectors on F1', () => {
  it.each(S_CASES)('%s %s', (_case, text, expected) => {
    const selector = parseSelector(text);
    expect(idsOf(F1, selectSpans(F1, selector))).toEqual(expected);
    expect(idsOf(F1, referenceSelect(F1, selector))).toEqual(expected);
  });

  it.each([
    ['S40', "span[name='GET /stock']", 11],
    ['S43', 'span[name="a"],', 16],
  ])('%s %s is a syntax error at column %i', (_case, text, column) => {
    expect(() => parseSelector(text)).toThrowError(expect.objectContaining({ code: 'SELECTOR_SYNTAX' }));
    try {
      parseSelector(text);
    } catch (error) {
      expect((error as { details: { column: number } }).details.column).toBe(column);
    }
  });
});

describe('SPEC §12.5 T04', () => {
  const F2: FixtureSpan[] = [
    {
      id: 2,
      parent: '00000000000000aa',
      name: 'A',
      kind: 'server',
      startMs: 10,
      endMs: 20,
      attributes: { 'http.method': 'GET' },
    },
    { id: 3, parent: '00000000000000bb', name: 'B', startMs: 5, endMs: 30, attributes: { 'db.system': 'x' } },
    {
      id: 4,
      parent: 2,
      name: 'C',
      kind: 'client',
      startMs: 12,
      endMs: 15,
      attributes: { 'rpc.system': 'grpc' },
    },
    {
      id: 5,
      parent: 2,
      name: 'D',
      startMs: 11,
      endMs: 13,
      attributes: { event_type: 'click', 'http.url': 'x' },
    },
    { id: 6, parent: 3, name: 'E', startMs: 6, endMs: 7, attributes: { 'faas.trigger': 'http' } },
    { id: 7, parent: 3, name: 'F', startMs: 8, endMs: 9, attributes: { 'exception.message': 'boom' } },
    { id: 8, parent: 3, name: 'documentLoad', startMs: 8, endMs: 9, attributes: { 'http.url': 'x' } },
    { id: 9, parent: 3, name: 'G', startMs: 8, endMs: 9, attributes: { 'messaging.system': 'kafka' } },
    { id: 10, parent: 3, name: 'H', startMs: 10, endMs: 10.0015 },
  ];
  it('span[name="A"] span[] selects 5 then 4 (5 starts first)', () => {
    const trace = buildTrace(F2);
    expect(idsOf(trace, selectSpans(trace, parseSelector('span[name="A"] span[]')))).toEqual([5, 4]);
  });
});

// ---------------------------------------------------------------------------------------------
// Filters (SPEC §4.3 and the Tracecheck operators) on F1.
// ---------------------------------------------------------------------------------------------

describe('filters on F1', () => {
  it.each([
    ['numeric equality, Q1 recommended', 'span[app.total=12.50]', [11]],
    ['numeric equality ignores trailing zeros', 'span[http.status_code=200.0]', [4, 5, 10]],
    ['3.0 equals 3', 'span[app.count=3.0]', [11]],
    ['a Go hex literal compares by value', 'span[retry=0x2]', [10]],
    ['contains uses the number as written', 'span[app.total contains 12.5]', [11]],
    ['contains ""', 'span[app.missing contains ""]', ALL],
    ['presence', 'span[app.empty]', [11]],
    ['presence of an absent attribute', 'span[app.missing]', []],
    ['name and kind are always present', 'span[name kind]', ALL],
    ['!= on a number', 'span[retry!=1]', [1, 2, 3, 4, 5, 6, 7, 8, 10, 11]],
    ['not-contains', 'span[name not-contains "/"]', [1, 3, 6, 7, 8, 11]],
    ['startsWith', 'span[name startsWith "orders"]', [7, 8]],
    ['endsWith', 'span[name endsWith "stock"]', [4, 5, 6, 9, 10]],
    ['matches is anchored', 'span[name matches "GET"]', []],
    ['matches the whole value', 'span[name matches "GET /\\\\w+"]', [4, 5, 9, 10]],
    ['matches an absent attribute as ""', 'span[app.missing matches "x*"]', ALL],
    ['> on integers', 'span[http.status_code > 200]', [2, 9]],
    ['<= with a decimal literal', 'span[retry <= 1.5]', [9]],
    ['< skips non-numbers and absent values', 'span[app.items < 100]', []],
    ['order against a negative literal', 'span[retry > -1]', [9, 10]],
    ['duration literal against integer ns', 'span[tracetest.span.duration >= 300ms]', [1, 2, 8]],
    ['duration literal against a fraction', 'span[tracetest.span.duration < 1.6ms]', [6]],
    ['duration literal against a duration text', 'span[app.dur = 1.5s]', [11]],
    ['duration order against a duration text', 'span[app.dur > 1499999us]', [11]],
    ['duration equality against a non-duration', 'span[app.total = 12ms]', []],
    ['duration != is the negation', 'span[app.dur != 1500ms]', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
    ['boolean literal', 'span[app.flag != false]', ALL],
    ['escapes in strings', 'span[app.items="[\\"x\\", \\"y\\"]"]', [11]],
  ])('%s: %s', (_label, text, expected) => {
    expect(idsOf(F1, selectSpans(F1, parseSelector(text)))).toEqual(expected);
  });
});

describe('filters on a property with a different value on every span', () => {
  // 2000 spans under one root; v is an integer, a decimal, a text or absent, in turn. So many distinct
  // values take the column without dictionary: the expected spans come from plain predicates here.
  const rows: FixtureSpan[] = [{ id: 1, name: 'root', startMs: 0, endMs: 10 }];
  const valueOfSpan = (i: number): string | undefined => [String(i), `${i}.5`, `id-${i}`, undefined][i % 4];
  for (let i = 0; i < 2000; i++) {
    const v = valueOfSpan(i);
    const w = [undefined, '', 'a', 'a'][i % 4];
    const attributes: Record<string, string> = {};
    if (v !== undefined) attributes.v = v;
    if (w !== undefined) attributes.w = w;
    rows.push({ id: i + 2, parent: 1, name: `s${i}`, startMs: i / 1000, endMs: 10, attributes });
  }
  const trace = buildTrace(rows);
  const spansWhere = (keep: (v: string | undefined, i: number) => boolean): number[] => {
    const out: number[] = [];
    for (let index = 0; index < trace.spans.length; index++) {
      const id = Number.parseInt(trace.spans[index]!.id, 16);
      const i = id - 2;
      if (i < 0 ? keep(undefined, -1) : keep(valueOfSpan(i), i)) out.push(index);
    }
    return out;
  };
  it.each([
    ['= text', 'span[v="8"]', (_v: string | undefined, i: number) => i === 8],
    ['= number', 'span[v=8]', (_v: string | undefined, i: number) => i === 8],
    ['= decimal', 'span[v=9.5]', (_v: string | undefined, i: number) => i === 9],
    ['!= text keeps absent values', 'span[v!="8"]', (_v: string | undefined, i: number) => i !== 8],
    [
      '> numbers and decimals',
      'span[v > 1990]',
      (_v: string | undefined, i: number) => i > 1990 && i % 4 < 2,
    ],
    [
      '< numbers and decimals',
      'span[v < 5]',
      (_v: string | undefined, i: number) => i >= 0 && i < 5 && i % 4 < 2,
    ],
    ['contains', 'span[v contains "id-19"]', (v: string | undefined) => v?.startsWith('id-19') ?? false],
    ['matches', 'span[v matches "id-1.*0"]', (v: string | undefined) => /^id-1.*0$/.test(v ?? '')],
    ['presence', 'span[v]', (v: string | undefined) => v !== undefined],
    ['= "" is absence', 'span[v=""]', (v: string | undefined) => v === undefined],
    [
      'with a second filter',
      'span[v >= 0 name endsWith "7"]',
      (_v: string | undefined, i: number) => i % 4 < 2 && i % 10 === 7,
    ],
  ])('%s: %s', (_label, text, keep) => {
    expect(selectSpans(trace, parseSelector(text))).toEqual(spansWhere(keep));
  });
  it('= "" matches empty and absent values alike (a dictionary column)', () => {
    const expected = spansWhere((_v, i) => i < 0 || i % 4 < 2);
    expect(selectSpans(trace, parseSelector('span[w=""]'))).toEqual(expected);
    expect(selectSpans(trace, parseSelector('span[w!="a"]'))).toEqual(expected);
  });
});

describe('combinators and pseudo-classes on F1', () => {
  it.each([
    ['child combinator', 'span[name="POST /orders"] > span[]', [3, 4, 7]],
    ['child then descendant', 'span[name="POST /orders"] > span[] span[kind="client"]', [6, 9, 10]],
    ['first child per anchor', 'span[] > span[]:first', [2, 3, 5, 6, 8, 9]],
    ['last child per anchor', 'span[kind="client"] > span[]:last', [5]],
    ['has', 'span[]:has(span[db.system])', [1, 2, 4, 5]],
    ['has with a leading child combinator', 'span[]:has(> span[db.system])', [2, 5]],
    ['has with two branches', 'span[]:has(> span[retry], > span[db.system="redis"])', [5, 8]],
    ['has with a chain', 'span[]:has(span[kind="client"] > span[kind="server"])', [1, 2]],
    ['not', 'span[kind="client"]:not(span[service.name="worker"], span[db.system])', [4]],
    ['not with has inside', 'span[]:not(span[]:has(span[]))', [3, 6, 9, 10, 11]],
    ['positional before a child combinator', 'span[service.name="worker"]:first > span[]', [9]],
    [
      'consequence 7: one span matching two segments',
      'span[name="GET /stock"] span[kind="server"] span[]',
      [6],
    ],
    ['union dedup', 'span[name="compute"], span[app.flag], span[retry=1]', [11, 9]],
    ['several positional: the last one wins', 'span[kind="client"]:first:last', [10]],
  ])('%s: %s', (_label, text, expected) => {
    const selector = parseSelector(text);
    expect(idsOf(F1, selectSpans(F1, selector))).toEqual(expected);
    expect(idsOf(F1, referenceSelect(F1, selector))).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// Property test: the linear evaluator equals the reference on random traces and selectors.
// ---------------------------------------------------------------------------------------------

/** mulberry32: a small seeded generator, so failures are reproducible. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pickOne = <T>(random: Random, options: readonly T[]): T =>
  options[Math.floor(random() * options.length)]!;

/** Random trees: sometimes bushy, sometimes chains, with few distinct names so segments often match. */
function randomTrace(random: Random, size: number, bias?: number): Trace {
  const chainBias = bias ?? random();
  const rows: FixtureSpan[] = [];
  for (let id = 1; id <= size; id++) {
    const parent = id === 1 ? null : random() < chainBias ? id - 1 : 1 + Math.floor(random() * (id - 1));
    const attributes: Record<string, string> = {};
    const x = random();
    if (x < 0.35) attributes.x = '1';
    else if (x < 0.55) attributes.x = '2';
    else if (x < 0.65) attributes.x = '1.0';
    rows.push({
      id,
      parent,
      name: pickOne(random, ['a', 'a', 'b', 'b', 'c']),
      startMs: Math.floor(random() * 4),
      endMs: 10,
      attributes,
    });
  }
  return buildTrace(rows);
}

function randomCompound(random: Random, positional: boolean, depth: number): string {
  const filters: string[] = [];
  const count = Math.floor(random() * 3);
  for (let i = 0; i < count; i++) {
    filters.push(
      pickOne(random, ['name="a"', 'name="b"', 'name!="c"', 'x', 'x=1', 'x!=2', 'name matches "[ab]"']),
    );
  }
  let text = `span[${filters.join(' ')}]`;
  const pseudoCount = Math.floor(random() * 3);
  for (let i = 0; i < pseudoCount; i++) {
    const r = random();
    if (positional && r < 0.55) {
      text += pickOne(random, [':first', ':last', ':nth_child(1)', ':nth_child(2)', ':nth_child(3)']);
    } else if (depth < 2 && r < 0.8) {
      const branches = 1 + Math.floor(random() * 2);
      const parts: string[] = [];
      for (let b = 0; b < branches; b++) {
        parts.push(`${random() < 0.4 ? '> ' : ''}${randomComplex(random, false, depth + 1)}`);
      }
      text += `:has(${parts.join(', ')})`;
    } else if (depth < 2) {
      text += `:not(${randomCompound(random, false, depth + 1)})`;
    }
  }
  return text;
}

function randomComplex(random: Random, positional: boolean, depth: number): string {
  const segments = 1 + Math.floor(random() * (depth === 0 ? 4 : 3));
  let text = randomCompound(random, positional, depth);
  for (let i = 1; i < segments; i++) {
    text += `${random() < 0.4 ? ' > ' : ' '}${randomCompound(random, positional, depth)}`;
  }
  return text;
}

function randomSelector(random: Random): string {
  const parts = random() < 0.8 ? 1 : 2;
  return Array.from({ length: parts }, () => randomComplex(random, true, 0)).join(', ');
}

describe('selectSpans equals the SPEC §4.4 pseudo-code', () => {
  it('on 4000 random small traces and selectors, order included', () => {
    const random = seededRandom(20240611);
    for (let round = 0; round < 4000; round++) {
      const trace = randomTrace(random, 1 + Math.floor(random() * 14));
      const text = randomSelector(random);
      const selector = parseSelector(text);
      const expected = referenceSelect(trace, selector);
      const context = {
        round,
        text,
        parents: Array.from(trace.parentIndex),
        names: trace.spans.map((s) => s.name),
      };
      expect({ ...context, result: selectSpans(trace, selector) }).toEqual({ ...context, result: expected });
      expect(selectSpans(trace, parseSelector(printSelector(selector)))).toEqual(expected);
    }
  });

  it('on deep chains and wide fans of 60 spans', () => {
    const random = seededRandom(7);
    for (let round = 0; round < 100; round++) {
      const trace = randomTrace(random, 60);
      const text = randomSelector(random);
      const selector = parseSelector(text);
      expect({ text, result: selectSpans(trace, selector) }).toEqual({
        text,
        result: referenceSelect(trace, selector),
      });
    }
  });

  it('on traces of 1500 spans, many selectors in a row on each (working buffers reused)', () => {
    const random = seededRandom(99);
    for (const bias of [0, 0.3]) {
      const trace = randomTrace(random, 1500, bias);
      for (let round = 0; round < 25; round++) {
        const text = randomSelector(random);
        const selector = parseSelector(text);
        expect({ bias, text, result: selectSpans(trace, selector) }).toEqual({
          bias,
          text,
          result: referenceSelect(trace, selector),
        });
      }
    }
  });

  it('on a chain of 30 000 spans, without deep recursion', () => {
    // Names alternate a, b, a, b… down one chain.
    const rows: FixtureSpan[] = Array.from({ length: 30_000 }, (_, i) => ({
      id: i + 1,
      parent: i === 0 ? null : i,
      name: i % 2 === 0 ? 'a' : 'b',
      startMs: i,
      endMs: 100_000,
    }));
    const trace = buildTrace(rows);
    const bs = rows.filter((r) => r.name === 'b').map((r) => r.id - 1);
    expect(selectSpans(trace, parseSelector('span[name="a"] > span[name="b"]'))).toEqual(bs);
    expect(selectSpans(trace, parseSelector('span[name="a"] span[name="b"]:last'))).toEqual([29_999]);
    // The second b below each a is 3 spans down; the last a has only one b below it.
    expect(selectSpans(trace, parseSelector('span[name="a"] span[name="b"]:nth_child(2)'))).toEqual(
      bs.slice(1),
    );
    expect(selectSpans(trace, parseSelector('span[name="b"]:has(span[name="a"])'))).toEqual(bs.slice(0, -1));
  });

  it('on a trace without spans and on the empty selector', () => {
    const empty: Trace = buildTrace([]);
    expect(selectSpans(empty, parseSelector('span[]'))).toEqual([]);
    expect(selectSpans(empty, parseSelector(''))).toEqual([]);
  });
});

describe('compoundsOf', () => {
  it('lists the compounds of a complex selector in order', () => {
    const [complex] = parseSelector('span[name="a"] > span[name="b"] span[]').complexes;
    expect(compoundsOf(complex!).map((c) => c.filters.length)).toEqual([1, 1, 0]);
  });
});
