/** The variable context of a run: precedence, outputs, suites, secrets, missing variables (SPEC §6). */
export * from './find-missing-variables';
export * from './mask-secrets';
export * from './variable-context';
