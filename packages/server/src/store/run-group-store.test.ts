import { createPgliteStore } from './pglite-store';
import { describeRunGroupStore } from './run-group-store-contract';

describeRunGroupStore('PGlite in memory', ({ now }) => createPgliteStore({ now }));
