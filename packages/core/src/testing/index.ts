/** Fixtures for tests of every package: traces named for the shape they test. */
export * from './build-trace';
export * from './f1';
export * from './synthetic-traces';
