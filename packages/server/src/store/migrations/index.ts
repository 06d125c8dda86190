import type { Migration } from 'kysely';
import { createTables } from './0001-create-tables';

/**
 * Every migration, by name; Kysely applies them in name order and records each one, so a name is
 * never changed once released and a new migration gets the next number.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-create-tables': createTables,
};
