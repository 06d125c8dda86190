import { buildTrace, type FixtureSpan } from './build-trace';

/** Fixture F1 of SPEC §12.0. */
export const F1_ROWS: readonly FixtureSpan[] = [
  {
    id: 1,
    name: 'Tracetest trigger',
    kind: 'internal',
    startMs: 0,
    endMs: 1000,
    attributes: {
      'service.name': 'tracetest',
      'tracetest.response.status': '201',
      'tracetest.response.body': '{"id": 7, "tags": ["a", "b"], "owner": {"name": "ana", "age": 30}}',
    },
  },
  {
    id: 2,
    parent: 1,
    name: 'POST /orders',
    kind: 'server',
    startMs: 10,
    endMs: 900,
    attributes: {
      'service.name': 'orders',
      'http.method': 'POST',
      'http.route': '/orders',
      'http.status_code': '201',
    },
  },
  {
    id: 3,
    parent: 2,
    name: 'INSERT orders',
    kind: 'client',
    startMs: 20,
    endMs: 70,
    attributes: {
      'service.name': 'orders',
      'db.system': 'postgresql',
      'db.statement': 'INSERT INTO orders VALUES (7)',
    },
  },
  {
    id: 4,
    parent: 2,
    name: 'GET /stock',
    kind: 'client',
    startMs: 80,
    endMs: 300,
    attributes: { 'service.name': 'orders', 'http.method': 'GET', 'http.status_code': '200' },
  },
  {
    id: 5,
    parent: 4,
    name: 'GET /stock',
    kind: 'server',
    startMs: 90,
    endMs: 290,
    attributes: { 'service.name': 'stock', 'http.method': 'GET', 'http.status_code': '200' },
  },
  {
    id: 6,
    parent: 5,
    name: 'SELECT stock',
    kind: 'client',
    startMs: 100,
    endMs: 101.5,
    attributes: { 'service.name': 'stock', 'db.system': 'redis', 'db.statement': 'GET stock:7' },
  },
  {
    id: 7,
    parent: 2,
    name: 'orders publish',
    kind: 'producer',
    startMs: 400,
    endMs: 420,
    attributes: { 'service.name': 'orders', 'messaging.system': 'kafka', 'messaging.destination': 'orders' },
  },
  {
    id: 8,
    parent: 7,
    name: 'orders process',
    kind: 'consumer',
    startMs: 500,
    endMs: 800,
    attributes: { 'service.name': 'worker', 'messaging.system': 'kafka', 'messaging.operation': 'process' },
  },
  {
    id: 9,
    parent: 8,
    name: 'GET /stock',
    kind: 'client',
    startMs: 600,
    endMs: 650,
    attributes: { 'service.name': 'worker', 'http.method': 'GET', 'http.status_code': '503', retry: '1' },
  },
  {
    id: 10,
    parent: 8,
    name: 'GET /stock',
    kind: 'client',
    startMs: 660,
    endMs: 700,
    attributes: { 'service.name': 'worker', 'http.method': 'GET', 'http.status_code': '200', retry: '2' },
  },
  {
    id: 11,
    parent: 8,
    name: 'compute',
    kind: 'internal',
    startMs: 710,
    endMs: 760,
    attributes: {
      'service.name': 'worker',
      'app.total': '12.5',
      'app.count': '3',
      'app.items': '["x", "y"]',
      'app.flag': 'true',
      'app.dur': '1500ms',
      'app.empty': '',
    },
  },
];

/** The assembled F1 trace. */
export const F1 = buildTrace(F1_ROWS);

/** Variables available to F1 cases (SPEC §12.0). */
export const F1_VARIABLES: Readonly<Record<string, string>> = {
  ORDER_ID: '7',
  HOST: 'shop.local',
  MAX: '100',
  DUR: '2s',
  NAME: 'ana',
};
