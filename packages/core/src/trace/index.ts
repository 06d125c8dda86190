export * from './assemble-trace';
export * from './model';
export * from './time';
