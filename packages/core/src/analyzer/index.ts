/** The trace linter (SPEC §8): catalogue, configuration, rules and scoring. */
export * from './analyze-trace';
export * from './analyzer-catalogue';
export * from './analyzer-config';
export type { AnalyzerError } from './analyzer-rules';
