export * from './evaluate-test';
export * from './junit';
export * from './language-checks';
export * from './legacy-syntax';
export * from './parse-definition-file';
export * from './recorded-run';
