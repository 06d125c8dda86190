import { describe, expect, it } from 'vitest';
import { evaluateRequiredGates, isRunPassing } from '../gates/index';
import { buildTrace, type FixtureSpan, spanIdOf } from '../testing/index';
import type { Trace } from '../trace/model';
import {
  type AnalyzerConfigInput,
  type AnalyzerOutcome,
  type AnalyzerResult,
  analyzeTrace,
  resolveAnalyzerConfig,
} from './index';

/** Trace Z of SPEC §12.7, with the trigger root inserted as span 1. */
function buildTraceZ(options: { responseBody?: string; span2Extra?: Record<string, string> } = {}): Trace {
  const rows: FixtureSpan[] = [
    {
      id: 1,
      name: 'Tracetest trigger',
      startMs: 0,
      endMs: 1000,
      attributes: {
        'service.name': 'tracetest',
        'tracetest.response.status': '200',
        'tracetest.response.body': options.responseBody ?? '{"items":[]}',
        'tracetest.response.headers': '[{"Key":"Content-Type","Value":"application/json"}]',
      },
    },
    {
      id: 2,
      parent: 1,
      name: 'GET /x',
      kind: 'server',
      startMs: 10,
      endMs: 900,
      attributes: {
        'http.method': 'GET',
        'http.route': '/x',
        'http.target': '/x',
        'http.scheme': 'https',
        'net.host.name': 'api',
        'http.url': 'https://api/x',
        ...options.span2Extra,
      },
    },
    {
      id: 3,
      parent: 2,
      name: 'SELECT',
      kind: 'client',
      startMs: 20,
      endMs: 70,
      attributes: {
        'db.system': 'postgresql',
        'db.operation': 'SELECT',
        'db.name': 'shop',
        'db.sql.table': 'items',
      },
    },
  ];
  return buildTrace(rows);
}

function resultOf(outcome: AnalyzerOutcome): AnalyzerResult {
  if (!outcome.ran) throw new Error('expected the analyzer to run');
  return outcome.result;
}

function analyze(trace: Trace, config: AnalyzerConfigInput = {}): AnalyzerResult {
  return resultOf(analyzeTrace(trace, resolveAnalyzerConfig(config)));
}

function pluginScores(result: AnalyzerResult): Record<string, number> {
  return Object.fromEntries(result.plugins.map((p) => [p.id, p.score]));
}

/** Span ids on which a rule failed. */
function failingSpans(result: AnalyzerResult, ruleId: string): string[] {
  const rule = result.plugins.flatMap((p) => p.rules).find((r) => r.id === ruleId);
  if (!rule) throw new Error(`rule ${ruleId} not in the result`);
  return rule.results.filter((r) => !r.passed).map((r) => r.spanId);
}

describe('conformance cases Z (SPEC §12.7)', () => {
  it('Z01: span-naming fails on span 3, score 91, gates analyzer-rules and analyzer-score fail, exit 2', () => {
    const result = analyze(buildTraceZ(), { minimumScore: 95 });
    expect(pluginScores(result)).toEqual({ standards: 75, common: 100, security: 100 });
    expect(result.score).toBe(91);
    expect(result.minimumScore).toBe(95);
    expect(result.passed).toBe(false);
    expect(failingSpans(result, 'span-naming')).toEqual([spanIdOf(3)]);
    const spanNaming = result.plugins[0]!.rules.find((r) => r.id === 'span-naming')!;
    expect(spanNaming.results.find((r) => !r.passed)!.errors).toEqual([
      expect.objectContaining({ value: 'SELECT', expected: 'SELECT shop.items' }),
    ]);
    for (const id of ['required-attributes', 'attribute-naming', 'no-empty-attributes', 'prefer-dns']) {
      expect(failingSpans(result, id), id).toEqual([]);
    }

    const gates = evaluateRequiredGates({
      required: ['test-specs', 'analyzer-score'],
      allPassed: true,
      analyzer: { ran: true, result },
    });
    expect(gates).toEqual({
      required: ['test-specs', 'analyzer-score'],
      failed: ['analyzer-rules', 'analyzer-score'],
      passed: false,
    });
    expect(isRunPassing({ state: 'FINISHED', allPassed: true, gates })).toBe(false);
  });

  it('Z02: span-naming at warning level leaves standards at 100, everything passes', () => {
    const result = analyze(buildTraceZ(), {
      minimumScore: 95,
      plugins: [{ id: 'standards', rules: [{ id: 'span-naming', errorLevel: 'warning' }] }],
    });
    expect(pluginScores(result)).toEqual({ standards: 100, common: 100, security: 100 });
    expect(result.score).toBe(100);
    expect(result.passed).toBe(true);
    // The warning rule still reports its finding.
    expect(failingSpans(result, 'span-naming')).toEqual([spanIdOf(3)]);
    const gates = evaluateRequiredGates({
      required: ['test-specs', 'analyzer-score'],
      allPassed: true,
      analyzer: { ran: true, result },
    });
    expect(gates).toEqual({ required: ['test-specs', 'analyzer-score'], failed: [], passed: true });
    expect(isRunPassing({ state: 'FINISHED', allPassed: true, gates })).toBe(true);
  });

  it('Z04: an authorization header on span 2 brings security to 30 and the score to 68', () => {
    const result = analyze(buildTraceZ({ span2Extra: { 'http.request.header.authorization': 'Bearer x' } }));
    expect(pluginScores(result)).toEqual({ standards: 75, common: 100, security: 30 });
    expect(result.score).toBe(68);
    expect(result.passed).toBe(false);
    expect(failingSpans(result, 'no-api-key-leak')).toEqual([spanIdOf(2)]);
    expect(failingSpans(result, 'attribute-naming')).toEqual([]);
  });

  it('Z05: an empty response body fails no-empty-attributes on the trigger span', () => {
    const result = analyze(buildTraceZ({ responseBody: '' }));
    expect(failingSpans(result, 'no-empty-attributes')).toEqual([spanIdOf(1)]);
    const rule = result.plugins[0]!.rules.find((r) => r.id === 'no-empty-attributes')!;
    expect(rule.results[0]!.errors.map((e) => e.value)).toEqual(['tracetest.response.body']);
    expect(pluginScores(result).standards).toBe(50);
  });
});

describe('scoring (SPEC §8.3)', () => {
  const z = buildTraceZ();
  it.each<[string, AnalyzerConfigInput, { score: number; passed: boolean; plugins: Record<string, number> }]>(
    [
      ['defaults', {}, { score: 91, passed: false, plugins: { standards: 75, common: 100, security: 100 } }],
      [
        'span-naming weighs 10 of 85',
        { plugins: [{ id: 'standards', rules: [{ id: 'span-naming', weight: 10 }] }] },
        // floor(100 × 75 / 85) = 88; floor((88 + 100 + 100) / 3) = 96
        { score: 96, passed: false, plugins: { standards: 88, common: 100, security: 100 } },
      ],
      [
        'only standards enabled',
        {
          plugins: [
            { id: 'common', enabled: false },
            { id: 'security', enabled: false },
          ],
        },
        { score: 75, passed: false, plugins: { standards: 75 } },
      ],
      [
        'no plugin enabled',
        {
          plugins: [
            { id: 'standards', enabled: false },
            { id: 'common', enabled: false },
            { id: 'security', enabled: false },
          ],
        },
        { score: 100, passed: true, plugins: {} },
      ],
      [
        'a plugin without error-level rules scores 100',
        {
          plugins: [
            {
              id: 'standards',
              rules: [
                { id: 'span-naming', errorLevel: 'disabled' },
                { id: 'required-attributes', errorLevel: 'warning' },
                { id: 'attribute-naming', errorLevel: 'warning' },
                { id: 'no-empty-attributes', errorLevel: 'disabled' },
              ],
            },
          ],
        },
        { score: 100, passed: true, plugins: { standards: 100, common: 100, security: 100 } },
      ],
      [
        'a failing error rule of weight 0 fails the plugin without lowering its score',
        {
          plugins: [
            {
              id: 'standards',
              rules: [
                { id: 'span-naming', weight: 0 },
                { id: 'required-attributes', weight: 0 },
                { id: 'attribute-naming', weight: 0 },
                { id: 'no-empty-attributes', weight: 0 },
              ],
            },
          ],
        },
        { score: 100, passed: false, plugins: { standards: 100, common: 100, security: 100 } },
      ],
    ],
  )('%s', (_name, config, want) => {
    const result = analyze(z, config);
    expect({ score: result.score, passed: result.passed, plugins: pluginScores(result) }).toEqual(want);
  });

  it('does not run when disabled', () => {
    expect(analyzeTrace(z, resolveAnalyzerConfig({ enabled: false }))).toEqual({ ran: false });
  });

  it('scores an empty trace 100', () => {
    const result = resultOf(analyzeTrace(buildTrace([]), resolveAnalyzerConfig()));
    expect(result.score).toBe(100);
    expect(result.passed).toBe(true);
    expect(result.plugins.flatMap((p) => p.rules).every((r) => r.results.length === 0)).toBe(true);
  });
});

describe('result object', () => {
  it('lists plugins in catalogue order and rules by level, then catalogue order', () => {
    const result = analyze(buildTraceZ(), {
      plugins: [
        {
          id: 'standards',
          rules: [
            { id: 'span-naming', errorLevel: 'disabled' },
            { id: 'required-attributes', errorLevel: 'warning' },
          ],
        },
        { id: 'security', rules: [{ id: 'secure-https-protocol', errorLevel: 'warning' }] },
      ],
    });
    expect(result.plugins.map((p) => [p.id, p.rules.map((r) => `${r.id}:${r.level}`)])).toEqual([
      [
        'standards',
        [
          'attribute-naming:error',
          'no-empty-attributes:error',
          'required-attributes:warning',
          'span-naming:disabled',
        ],
      ],
      ['common', ['prefer-dns:error']],
      ['security', ['no-api-key-leak:error', 'secure-https-protocol:warning']],
    ]);
  });

  it('gives a disabled rule no results and a pass, even when spans would fail it', () => {
    const result = analyze(buildTraceZ(), {
      plugins: [{ id: 'standards', rules: [{ id: 'span-naming', errorLevel: 'disabled' }] }],
    });
    const rule = result.plugins[0]!.rules.find((r) => r.id === 'span-naming')!;
    expect(rule).toMatchObject({ passed: true, results: [], level: 'disabled', weight: 25 });
    expect(result.plugins[0]!.score).toBe(100);
  });

  it('reports every span in tree order for each evaluated rule, with the catalogue metadata', () => {
    const result = analyze(buildTraceZ());
    const rule = result.plugins[0]!.rules[0]!;
    expect(rule).toMatchObject({ id: 'span-naming', name: 'Span naming', weight: 25, level: 'error' });
    expect(rule.description).not.toBe('');
    expect(rule.errorDescription).not.toBe('');
    expect(rule.tips.length).toBeGreaterThan(0);
    expect(rule.results.map((r) => r.spanId)).toEqual([spanIdOf(1), spanIdOf(2), spanIdOf(3)]);
    expect(result.plugins[0]).toMatchObject({ name: 'OTel Semantic Conventions', passed: false });
    for (const error of rule.results[2]!.errors) {
      expect(error.description).toContain('SELECT');
      expect(error.suggestions.length).toBeGreaterThan(0);
    }
  });
});
