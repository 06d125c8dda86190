import {
  type ParseDefinitionOptions,
  type ParsedDefinition,
  type Problem,
  parseDefinitions,
} from '../definitions/index';

export interface ParsedDefinitionFile {
  /** One entry per document (a provisioning stream has several). */
  readonly documents: readonly ParsedDefinition[];
  /** The resource when the file holds exactly one valid document. */
  readonly resource: ParsedDefinition['resource'];
  /** Every problem of every document, in text order. */
  readonly problems: readonly Problem[];
}

/**
 * Reads a definition file as `validate` does: one document, or a multi-document provisioning stream
 * (SPEC §1.14) read document by document.
 */
export function parseDefinitionFile(
  text: string,
  options: ParseDefinitionOptions = {},
): ParsedDefinitionFile {
  const documents = parseDefinitions(text, options);
  const problems = documents.flatMap((d) => d.problems);
  if (documents.length === 0) {
    return {
      documents,
      resource: undefined,
      problems: [
        {
          severity: 'error',
          code: 'REQUIRED_FIELD',
          message: 'the file is empty: a definition needs `type:` and `spec:`',
          path: '',
          line: 1,
          column: 1,
        } as Problem,
      ],
    };
  }
  return { documents, resource: documents.length === 1 ? documents[0]!.resource : undefined, problems };
}
