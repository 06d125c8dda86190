import {
  type LanguageChecks,
  type Problem,
  parseDefinition,
  type Resource,
  TracecheckError,
} from '@tracecheck/core';
import type { DefinitionBody } from './api-route';

/** How many problems the error sentence lists; `details.problems` holds all of them. */
const PROBLEMS_IN_MESSAGE = 10;

function describeProblem(problem: Problem, format: DefinitionBody<unknown>['format']): string {
  const where = problem.path === '' ? 'the document' : problem.path;
  // Lines of a JSON body count in the re-indented text, not in what the client sent: the path says it.
  return format === 'yaml'
    ? `line ${problem.line}, column ${problem.column} (${where}): ${problem.message}`
    : `${where}: ${problem.message}`;
}

/**
 * Reads a definition sent as YAML or JSON (`{type, spec}`) with the same reader as the CLI, so both
 * report the same problems. Every error is returned at once in a 400 `DEFINITION_INVALID` whose
 * `details.problems` lists them (warnings too) with path, line and column.
 * @example readDefinitionBody({ format: 'yaml', text: 'type: Config\nspec:\n  analyticsEnabled: true\n' })
 */
export function readDefinitionBody(body: DefinitionBody<unknown>, languageChecks?: LanguageChecks): Resource {
  // JSON is YAML: one reader for both formats.
  const text = body.format === 'yaml' ? body.text : JSON.stringify(body.value, null, 2);
  const parsed = parseDefinition(text, languageChecks === undefined ? {} : { languageChecks });
  const errors = parsed.problems.filter((problem) => problem.severity === 'error');
  if (parsed.resource === undefined || errors.length > 0) {
    const listed = errors
      .slice(0, PROBLEMS_IN_MESSAGE)
      .map((problem) => describeProblem(problem, body.format));
    const more =
      errors.length > PROBLEMS_IN_MESSAGE ? `; and ${errors.length - PROBLEMS_IN_MESSAGE} more` : '';
    throw new TracecheckError(
      'DEFINITION_INVALID',
      `the definition has ${errors.length} problem${errors.length === 1 ? '' : 's'}: ${listed.join('; ')}${more}. ` +
        'Fix them and send it again (`tracecheck validate -f <file>` shows them with the file lines)',
      { problems: parsed.problems },
    );
  }
  return parsed.resource;
}
