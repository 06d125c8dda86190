import { describeMonitorStore } from './monitor-store-contract';
import { createPgliteStore } from './pglite-store';

describeMonitorStore('PGlite in memory', ({ now }) => createPgliteStore({ now }));
