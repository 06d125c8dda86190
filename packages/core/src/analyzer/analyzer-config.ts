import { TracecheckError } from '../errors';
import {
  ANALYZER_ERROR_LEVELS,
  ANALYZER_PLUGINS,
  type AnalyzerErrorLevel,
  type AnalyzerPluginId,
  type AnalyzerRuleId,
} from './analyzer-catalogue';

export interface AnalyzerRuleConfig {
  readonly id: AnalyzerRuleId;
  readonly weight: number;
  readonly errorLevel: AnalyzerErrorLevel;
}

export interface AnalyzerPluginConfig {
  readonly id: AnalyzerPluginId;
  readonly enabled: boolean;
  /** Every rule of the plugin, in catalogue order. */
  readonly rules: readonly AnalyzerRuleConfig[];
}

/** A complete analyzer configuration (the `Analyzer` resource of SPEC §1.9, resolved). */
export interface AnalyzerConfig {
  readonly enabled: boolean;
  /** 0–100; the `analyzer-score` gate fails below it. */
  readonly minimumScore: number;
  /** Every plugin, in catalogue order. */
  readonly plugins: readonly AnalyzerPluginConfig[];
}

/** An analyzer configuration as written by a user: every field optional, ids not yet checked. */
export interface AnalyzerConfigInput {
  readonly enabled?: boolean;
  readonly minimumScore?: number;
  readonly plugins?: readonly {
    readonly id: string;
    readonly enabled?: boolean;
    readonly rules?: readonly {
      readonly id: string;
      readonly weight?: number;
      readonly errorLevel?: string;
    }[];
  }[];
}

/** Defaults of SPEC §8.1: enabled, minimum score 0, every plugin enabled, catalogue weights and levels. */
export const DEFAULT_ANALYZER_CONFIG: AnalyzerConfig = {
  enabled: true,
  minimumScore: 0,
  plugins: ANALYZER_PLUGINS.map((plugin) => ({
    id: plugin.id,
    enabled: true,
    rules: plugin.rules.map((rule) => ({
      id: rule.id,
      weight: rule.defaultWeight,
      errorLevel: rule.defaultLevel,
    })),
  })),
};

function isErrorLevel(text: string): text is AnalyzerErrorLevel {
  return (ANALYZER_ERROR_LEVELS as readonly string[]).includes(text);
}

function isNonNegativeInteger(value: number): boolean {
  return Number.isInteger(value) && value >= 0;
}

function quoteList(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(', ');
}

/**
 * Fills the defaults of a partial analyzer configuration. A plugin that is not listed keeps its
 * defaults; a listed plugin keeps the default weight and level of every rule it does not list.
 * Every problem (unknown plugin or rule, bad weight, level or minimum score, duplicates) is reported
 * at once in a `DEFINITION_INVALID` error whose `details` lists `{path, message}`.
 * @example resolveAnalyzerConfig({ minimumScore: 80, plugins: [{ id: 'security', enabled: false }] })
 */
export function resolveAnalyzerConfig(input: AnalyzerConfigInput = {}): AnalyzerConfig {
  const problems: { path: string; message: string }[] = [];
  const minimumScore = input.minimumScore ?? DEFAULT_ANALYZER_CONFIG.minimumScore;
  if (!isNonNegativeInteger(minimumScore) || minimumScore > 100) {
    problems.push({
      path: 'minimumScore',
      message: `minimumScore ${minimumScore} is invalid: expected a whole number from 0 to 100`,
    });
  }

  const listed = new Map<string, NonNullable<AnalyzerConfigInput['plugins']>[number]>();
  (input.plugins ?? []).forEach((plugin, p) => {
    const info = ANALYZER_PLUGINS.find((candidate) => candidate.id === plugin.id);
    if (!info) {
      problems.push({
        path: `plugins[${p}].id`,
        message: `unknown analyzer plugin "${plugin.id}": expected one of ${quoteList(ANALYZER_PLUGINS.map((c) => c.id))}`,
      });
      return;
    }
    if (listed.has(plugin.id)) {
      problems.push({
        path: `plugins[${p}].id`,
        message: `analyzer plugin "${plugin.id}" is listed twice: keep one entry`,
      });
      return;
    }
    listed.set(plugin.id, plugin);
    const seenRules = new Set<string>();
    (plugin.rules ?? []).forEach((rule, r) => {
      const path = `plugins[${p}].rules[${r}]`;
      if (!info.rules.some((candidate) => candidate.id === rule.id)) {
        problems.push({
          path: `${path}.id`,
          message: `rule "${rule.id}" does not belong to analyzer plugin "${info.id}": expected one of ${quoteList(info.rules.map((c) => c.id))}`,
        });
        return;
      }
      if (seenRules.has(rule.id)) {
        problems.push({
          path: `${path}.id`,
          message: `rule "${rule.id}" is listed twice in plugin "${info.id}": keep one entry`,
        });
        return;
      }
      seenRules.add(rule.id);
      if (rule.weight !== undefined && !isNonNegativeInteger(rule.weight)) {
        problems.push({
          path: `${path}.weight`,
          message: `weight ${rule.weight} of rule "${rule.id}" is invalid: expected a whole number ≥ 0`,
        });
      }
      if (rule.errorLevel !== undefined && !isErrorLevel(rule.errorLevel)) {
        problems.push({
          path: `${path}.errorLevel`,
          message: `errorLevel "${rule.errorLevel}" of rule "${rule.id}" is invalid: expected one of ${quoteList(ANALYZER_ERROR_LEVELS)}`,
        });
      }
    });
  });

  if (problems.length > 0) {
    throw new TracecheckError(
      'DEFINITION_INVALID',
      `invalid analyzer configuration:\n${problems.map((q) => `  ${q.path}: ${q.message}`).join('\n')}`,
      { problems },
    );
  }

  return {
    enabled: input.enabled ?? DEFAULT_ANALYZER_CONFIG.enabled,
    minimumScore,
    plugins: DEFAULT_ANALYZER_CONFIG.plugins.map((defaults) => {
      const given = listed.get(defaults.id);
      if (!given) return defaults;
      return {
        id: defaults.id,
        enabled: given.enabled ?? defaults.enabled,
        rules: defaults.rules.map((rule) => {
          const over = given.rules?.find((candidate) => candidate.id === rule.id);
          return {
            id: rule.id,
            weight: over?.weight ?? rule.weight,
            // Checked above: a listed level is one of ANALYZER_ERROR_LEVELS.
            errorLevel: (over?.errorLevel as AnalyzerErrorLevel | undefined) ?? rule.errorLevel,
          };
        }),
      };
    }),
  };
}
