export * from './decimal';
export * from './duration';
