import type { Migration } from 'kysely';
import { createTables } from './0001-create-tables';
import { createIdentityTables } from './0002-identity';
import { createSessionTables } from './0003-sessions';
import { createMonitorRuns } from './0004-monitors';
import { createRunGroups } from './0005-run-groups';

/**
 * Every migration, by name; Kysely applies them in name order and records each one, so a name is
 * never changed once released and a new migration gets the next number.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-create-tables': createTables,
  '0002-identity': createIdentityTables,
  '0003-sessions': createSessionTables,
  '0004-monitors': createMonitorRuns,
  '0005-run-groups': createRunGroups,
};
