/**
 * The control plane's storage: one `Store` interface (store.ts), a PostgreSQL and a PGlite adapter
 * over the same migrations, the secret box for secret run variables (the contract suite is in store-contract.ts, for tests only).
 */

export { createPgliteStore, type PgliteStoreOptions } from './pglite-store';
export { createPostgresStore, type PostgresStoreOptions } from './postgres-store';
export * from './run-group-store';
export { createSecretBox, type SecretBox } from './secret-box';
export * from './store';
