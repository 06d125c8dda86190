/**
 * Tracetest-compatible resource definitions (SPEC §1, §2): typed resources, a YAML reader that reports
 * every problem with its path, line and column, a printer that round-trips, and the CLI's text helpers.
 */
export {
  detectDefinitionType,
  insertIdIntoDefinitionText,
  looksLikePath,
  substituteEnvironmentPlaceholders,
} from './definition-text';
export { collectFileReferences, type FileReference, replaceFileReferences } from './file-references';
export {
  type ParseDefinitionOptions,
  type ParsedDefinition,
  parseDefinition,
  parseDefinitions,
} from './parse-definition';
export { type PrintDefinitionOptions, printDefinition } from './print-definition';
export type { LanguageChecks, LanguageError, Problem, ProblemCode } from './problem';
export * from './resource';
export * from './trigger';
