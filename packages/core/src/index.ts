/**
 * @tracecheck/core — pure TypeScript, runs in Node and the browser. No `node:*` imports.
 */

export * from './analyzer/index';
export * from './completeness/index';
export * from './definitions/index';
export * from './errors';
export * from './expression/index';
export * from './gates/index';
export * from './otlp/index';
export * from './run/index';
export * from './selector/index';
export * from './trace/index';
export * from './values/index';
export * from './variables/index';
