import type { SpanId, Trace } from '../trace/model';
import {
  ANALYZER_PLUGINS,
  type AnalyzerErrorLevel,
  type AnalyzerPluginId,
  type AnalyzerRuleId,
  type AnalyzerRuleInfo,
} from './analyzer-catalogue';
import type { AnalyzerConfig, AnalyzerRuleConfig } from './analyzer-config';
import { ANALYZER_RULE_CHECKS, type AnalyzerError } from './analyzer-rules';

/** The verdict of one rule on one span. */
export interface AnalyzerSpanResult {
  readonly spanId: SpanId;
  readonly passed: boolean;
  readonly errors: readonly AnalyzerError[];
}

export interface AnalyzerRuleResult {
  readonly id: AnalyzerRuleId;
  readonly name: string;
  readonly description: string;
  readonly errorDescription: string;
  readonly tips: readonly string[];
  readonly weight: number;
  readonly level: AnalyzerErrorLevel;
  /** True iff every evaluated span passed (always true for a `disabled` rule). */
  readonly passed: boolean;
  /** One entry per span in tree order; empty for a `disabled` rule. */
  readonly results: readonly AnalyzerSpanResult[];
}

export interface AnalyzerPluginResult {
  readonly id: AnalyzerPluginId;
  readonly name: string;
  readonly description: string;
  /** True iff every error-level rule passed. */
  readonly passed: boolean;
  /** 0–100. */
  readonly score: number;
  /** Error-level rules first, then warning, then disabled; catalogue order within a level. */
  readonly rules: readonly AnalyzerRuleResult[];
}

/** The analyzer's result object (SPEC §8.3). `plugins` holds the enabled plugins in catalogue order. */
export interface AnalyzerResult {
  /** 0–100. */
  readonly score: number;
  readonly minimumScore: number;
  readonly passed: boolean;
  readonly plugins: readonly AnalyzerPluginResult[];
}

/** Whether the analyzer ran: it does not when the configuration disables it (SPEC §1.9). */
export type AnalyzerOutcome =
  | { readonly ran: false }
  | { readonly ran: true; readonly result: AnalyzerResult };

const LEVEL_ORDER: Readonly<Record<AnalyzerErrorLevel, number>> = { error: 0, warning: 1, disabled: 2 };

function evaluateRule(trace: Trace, info: AnalyzerRuleInfo, config: AnalyzerRuleConfig): AnalyzerRuleResult {
  const results: AnalyzerSpanResult[] = [];
  let passed = true;
  if (config.errorLevel !== 'disabled') {
    const check = ANALYZER_RULE_CHECKS[config.id]();
    for (const span of trace.spans) {
      const errors = check(span);
      const spanPassed = errors.length === 0;
      passed &&= spanPassed;
      results.push({ spanId: span.id, passed: spanPassed, errors });
    }
  }
  return {
    id: info.id,
    name: info.name,
    description: info.description,
    errorDescription: info.errorDescription,
    tips: info.tips,
    weight: config.weight,
    level: config.errorLevel,
    passed,
    results,
  };
}

/**
 * Plugin score = floor(100 × weight of passed error-level rules / weight of error-level rules).
 * 100 when the plugin has no error-level rule, or when their weights are all 0 (they then decide
 * `passed` but not the score).
 */
function scoreRules(rules: readonly AnalyzerRuleResult[]): number {
  let total = 0;
  let passedWeight = 0;
  for (const rule of rules) {
    if (rule.level !== 'error') continue;
    total += rule.weight;
    if (rule.passed) passedWeight += rule.weight;
  }
  return total === 0 ? 100 : Math.floor((100 * passedWeight) / total);
}

/**
 * Lints a final trace (trigger root included) with the rules of SPEC §8.2 and scores it (§8.3).
 * Each span is visited once per enabled rule, each attribute once per attribute rule.
 * @example
 * const outcome = analyzeTrace(trace, resolveAnalyzerConfig({ minimumScore: 80 }));
 * if (outcome.ran) console.log(outcome.result.score, outcome.result.passed);
 */
export function analyzeTrace(trace: Trace, config: AnalyzerConfig): AnalyzerOutcome {
  if (!config.enabled) return { ran: false };
  const plugins: AnalyzerPluginResult[] = [];
  for (const info of ANALYZER_PLUGINS) {
    const pluginConfig = config.plugins.find((plugin) => plugin.id === info.id);
    if (!pluginConfig?.enabled) continue;
    const rules = info.rules
      .map((rule) =>
        evaluateRule(
          trace,
          rule,
          pluginConfig.rules.find((candidate) => candidate.id === rule.id) ?? {
            id: rule.id,
            weight: rule.defaultWeight,
            errorLevel: rule.defaultLevel,
          },
        ),
      )
      .sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level]);
    plugins.push({
      id: info.id,
      name: info.name,
      description: info.description,
      passed: rules.every((rule) => rule.level !== 'error' || rule.passed),
      score: scoreRules(rules),
      rules,
    });
  }
  const score =
    plugins.length === 0
      ? 100
      : Math.floor(plugins.reduce((sum, plugin) => sum + plugin.score, 0) / plugins.length);
  return {
    ran: true,
    result: {
      score,
      minimumScore: config.minimumScore,
      passed: plugins.every((plugin) => plugin.passed),
      plugins,
    },
  };
}
