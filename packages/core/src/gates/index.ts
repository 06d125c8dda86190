/** Run states, required gates and the pass/fail verdict of a run (SPEC §7.1, §7.5). */
export * from './is-run-passing';
export * from './required-gates';
export * from './run-state';
