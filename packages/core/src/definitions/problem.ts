/**
 * Codes of definition problems. Errors make a document invalid; warnings point at something Tracetest
 * silently ignores or an old spelling that still works.
 */
export type ProblemCode =
  /** The text is not valid YAML (or YAML warns about it). */
  | 'YAML_SYNTAX'
  /** No document, or several where one is expected. */
  | 'DOCUMENT_COUNT'
  /** `type:` names no known resource kind. */
  | 'UNKNOWN_KIND'
  /** A legacy kind (`Transaction`, `Environment` with `values`), read as its modern kind. */
  | 'LEGACY_KIND'
  /** A legacy shape (specs or outputs as a mapping, `selector: {query}`, trigger v1/v2, one alert). */
  | 'LEGACY_SHAPE'
  /** A required field is missing or empty. */
  | 'REQUIRED_FIELD'
  /** A value has the wrong YAML type (a list where a string is expected, a quoted boolean, …). */
  | 'WRONG_TYPE'
  /** A value of the right type that is not allowed (enum, duration, date, cron, range, rule count). */
  | 'INVALID_VALUE'
  /** A key Tracetest does not know and ignores. */
  | 'UNKNOWN_KEY'
  /** An alias of a key or value (`expression:` for `value:`, `authentication:` for `auth:`, …). */
  | 'ALIAS'
  /** A known field that has no effect where it is (an object not matching the trigger type, …). */
  | 'IGNORED_FIELD'
  /** A selector that the selector language rejects. */
  | 'SELECTOR_SYNTAX'
  /** An assertion or output expression that the expression language rejects. */
  | 'EXPRESSION_SYNTAX';

/**
 * One problem of a definition document, placed in the YAML text.
 * @example { severity: 'error', code: 'REQUIRED_FIELD', message: 'missing "url": …', path: 'spec.trigger.httpRequest', line: 5, column: 5 }
 */
export interface Problem {
  readonly severity: 'error' | 'warning';
  readonly code: ProblemCode;
  readonly message: string;
  /** YAML path of the value, e.g. `spec.specs[2].selector`; `""` for the whole document. */
  readonly path: string;
  /** 1-based line of the text given to the parser. */
  readonly line: number;
  /** 1-based column (UTF-16 code units). */
  readonly column: number;
  /** The `fileName` given to the parser, when one was given. */
  readonly file?: string;
}

/** Error of a language check: `column` is 1-based inside the checked text. */
export interface LanguageError {
  readonly message: string;
  readonly column: number;
  /** `warning` for text that is read after a repair (legacy syntax); `error` when absent. */
  readonly severity?: 'error' | 'warning';
}

/**
 * Checkers of the selector and expression languages; each returns `undefined` for valid text. When given
 * to the parser, every spec selector, assertion, output selector and output value is checked and its error
 * becomes a problem at the matching line and column of the YAML text.
 */
export interface LanguageChecks {
  readonly selector?: (text: string) => LanguageError | undefined;
  readonly statement?: (text: string) => LanguageError | undefined;
  readonly expression?: (text: string) => LanguageError | undefined;
}
