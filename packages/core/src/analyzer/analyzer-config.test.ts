import { describe, expect, it } from 'vitest';
import { TracecheckError } from '../errors';
import {
  ANALYZER_PLUGINS,
  ANALYZER_RULE_IDS,
  type AnalyzerConfigInput,
  DEFAULT_ANALYZER_CONFIG,
  resolveAnalyzerConfig,
} from './index';

function problemsOf(input: AnalyzerConfigInput): { path: string; message: string }[] {
  try {
    resolveAnalyzerConfig(input);
  } catch (error) {
    if (!(error instanceof TracecheckError)) throw error;
    expect(error.code).toBe('DEFINITION_INVALID');
    return (error.details as { problems: { path: string; message: string }[] }).problems;
  }
  throw new Error('expected resolveAnalyzerConfig to reject the input');
}

describe('catalogue (SPEC §8.1)', () => {
  it('holds every rule once, with the default weights and levels', () => {
    const rows = ANALYZER_PLUGINS.flatMap((p) =>
      p.rules.map((r) => [p.id, r.id, r.defaultWeight, r.defaultLevel]),
    );
    expect(rows).toEqual([
      ['standards', 'span-naming', 25, 'error'],
      ['standards', 'required-attributes', 25, 'error'],
      ['standards', 'attribute-naming', 25, 'error'],
      ['standards', 'no-empty-attributes', 25, 'error'],
      ['common', 'prefer-dns', 100, 'error'],
      ['security', 'secure-https-protocol', 30, 'error'],
      ['security', 'no-api-key-leak', 70, 'error'],
    ]);
    expect(rows.map((r) => r[1])).toEqual([...ANALYZER_RULE_IDS]);
    expect(ANALYZER_PLUGINS.map((p) => p.name)).toEqual([
      'OTel Semantic Conventions',
      'Common Problems',
      'Security',
    ]);
  });
});

describe('resolveAnalyzerConfig', () => {
  it('fills every default from nothing', () => {
    expect(resolveAnalyzerConfig()).toEqual(DEFAULT_ANALYZER_CONFIG);
    expect(resolveAnalyzerConfig({})).toEqual(DEFAULT_ANALYZER_CONFIG);
    expect(DEFAULT_ANALYZER_CONFIG).toMatchObject({ enabled: true, minimumScore: 0 });
    expect(DEFAULT_ANALYZER_CONFIG.plugins.every((p) => p.enabled)).toBe(true);
  });

  it('keeps the defaults of unlisted plugins and rules', () => {
    const config = resolveAnalyzerConfig({
      minimumScore: 80,
      plugins: [
        { id: 'security', enabled: false, rules: [{ id: 'no-api-key-leak', weight: 50 }] },
        { id: 'standards', rules: [{ id: 'attribute-naming', errorLevel: 'warning' }] },
      ],
    });
    expect(config.minimumScore).toBe(80);
    expect(
      config.plugins.map((p) => [p.id, p.enabled, p.rules.map((r) => `${r.id}:${r.weight}:${r.errorLevel}`)]),
    ).toEqual([
      [
        'standards',
        true,
        [
          'span-naming:25:error',
          'required-attributes:25:error',
          'attribute-naming:25:warning',
          'no-empty-attributes:25:error',
        ],
      ],
      ['common', true, ['prefer-dns:100:error']],
      ['security', false, ['secure-https-protocol:30:error', 'no-api-key-leak:50:error']],
    ]);
  });

  it('reads the rich Analyzer resource of SPEC §1.9', () => {
    const config = resolveAnalyzerConfig({
      enabled: true,
      minimumScore: 80,
      plugins: [
        {
          id: 'standards',
          enabled: true,
          rules: [
            { id: 'span-naming', weight: 25, errorLevel: 'warning' },
            { id: 'required-attributes', weight: 25, errorLevel: 'error' },
            { id: 'attribute-naming', weight: 25, errorLevel: 'error' },
            { id: 'no-empty-attributes', weight: 25, errorLevel: 'disabled' },
          ],
        },
        { id: 'common', enabled: true, rules: [{ id: 'prefer-dns', weight: 100, errorLevel: 'error' }] },
        {
          id: 'security',
          enabled: false,
          rules: [
            { id: 'secure-https-protocol', weight: 30, errorLevel: 'error' },
            { id: 'no-api-key-leak', weight: 70, errorLevel: 'error' },
          ],
        },
      ],
    });
    expect(config.plugins[0]!.rules.map((r) => r.errorLevel)).toEqual([
      'warning',
      'error',
      'error',
      'disabled',
    ]);
    expect(config.plugins[2]!.enabled).toBe(false);
  });

  it.each<[string, AnalyzerConfigInput, string, RegExp]>([
    [
      'unknown plugin',
      { plugins: [{ id: 'style' }] },
      'plugins[0].id',
      /"style".*"standards", "common", "security"/,
    ],
    [
      'rule of another plugin',
      { plugins: [{ id: 'common', rules: [{ id: 'span-naming' }] }] },
      'plugins[0].rules[0].id',
      /"span-naming" does not belong to analyzer plugin "common".*"prefer-dns"/,
    ],
    [
      'unknown level',
      { plugins: [{ id: 'common', rules: [{ id: 'prefer-dns', errorLevel: 'fatal' }] }] },
      'plugins[0].rules[0].errorLevel',
      /"fatal".*"error", "warning", "disabled"/,
    ],
    [
      'negative weight',
      { plugins: [{ id: 'common', rules: [{ id: 'prefer-dns', weight: -1 }] }] },
      'plugins[0].rules[0].weight',
      /weight -1/,
    ],
    [
      'fractional weight',
      { plugins: [{ id: 'common', rules: [{ id: 'prefer-dns', weight: 2.5 }] }] },
      'plugins[0].rules[0].weight',
      /2\.5/,
    ],
    ['minimum score above 100', { minimumScore: 101 }, 'minimumScore', /101.*0 to 100/],
    ['negative minimum score', { minimumScore: -5 }, 'minimumScore', /-5/],
    ['plugin twice', { plugins: [{ id: 'common' }, { id: 'common' }] }, 'plugins[1].id', /listed twice/],
    [
      'rule twice',
      { plugins: [{ id: 'common', rules: [{ id: 'prefer-dns' }, { id: 'prefer-dns' }] }] },
      'plugins[0].rules[1].id',
      /listed twice/,
    ],
  ])('rejects %s', (_title, input, path, message) => {
    const problems = problemsOf(input);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe(path);
    expect(problems[0]!.message).toMatch(message);
  });

  it('reports every problem at once', () => {
    const input: AnalyzerConfigInput = {
      minimumScore: 200,
      plugins: [
        { id: 'nope' },
        { id: 'security', rules: [{ id: 'prefer-dns' }, { id: 'no-api-key-leak', errorLevel: 'loud' }] },
      ],
    };
    expect(problemsOf(input).map((p) => p.path)).toEqual([
      'minimumScore',
      'plugins[0].id',
      'plugins[1].rules[0].id',
      'plugins[1].rules[1].errorLevel',
    ]);
    expect(() => resolveAnalyzerConfig(input)).toThrow(
      /plugins\[1\]\.rules\[1\]\.errorLevel: errorLevel "loud"/,
    );
  });
});
