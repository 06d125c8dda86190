import { scanInterpolations } from './scan-interpolations';
import { tokenizeExpression, unquoteStringToken } from './tokenize-expression';

function collectFromExpression(text: string, names: Set<string>): void {
  // Tokens, not a parse: a reference counts even when the rest of the text has a syntax error.
  for (const token of tokenizeExpression(text, 'expression').tokens) {
    if (token.kind === 'variable' || token.kind === 'environment') names.add(token.text.slice(4));
    else if (token.kind === 'string') collectFromTemplate(unquoteStringToken(token.text), names);
  }
}

function collectFromTemplate(text: string, names: Set<string>): void {
  for (const piece of scanInterpolations(text)) {
    if (piece.kind === 'interpolation') collectFromExpression(piece.source, names);
  }
}

/**
 * The variable names a text references with `var:` or `env:`, also inside `${…}`, each once in order
 * of first appearance: for the missing-variable check of SPEC §6.3. `template` is a trigger field
 * (only its interpolations are expressions); `expression` is an output value.
 * @example findVariableReferences('${var:HOST}:${env:PORT}', 'template') // ['HOST', 'PORT']
 */
export function findVariableReferences(text: string, kind: 'template' | 'expression'): string[] {
  const names = new Set<string>();
  if (kind === 'template') collectFromTemplate(text, names);
  else collectFromExpression(text, names);
  return [...names];
}
