import { isTracecheckError } from '@tracecheck/core';
import { describe, expect, it } from 'vitest';
import { listAgentConfigKeys, parseAgentOptions, resolveAgentConfig } from './agent-config';

function errorOf(action: () => unknown): { code: string; message: string } {
  try {
    action();
  } catch (error) {
    if (isTracecheckError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected an error');
}

describe('resolveAgentConfig', () => {
  it('fills every key with its default', () => {
    expect(resolveAgentConfig({ env: {} })).toEqual({
      otlpServer: {
        host: '0.0.0.0',
        httpPort: 4318,
        grpcPort: 4317,
        httpEnabled: true,
        grpcEnabled: true,
        maxMessageBytes: 64 * 1024 * 1024,
        maxConcurrentExports: 64,
        retryAfterSeconds: 1,
        requestTimeoutMs: 30_000,
        corsAllowedOrigins: [],
      },
      spanCache: { ttlMs: 1_800_000, maxBytes: 512 * 1024 * 1024, sweepIntervalMs: 1_000 },
      logLevel: 'info',
      shutdownTimeoutMs: 10_000,
    });
  });

  it.each([
    {
      name: 'file over defaults',
      sources: { file: { otlpServer: { httpPort: 1000 } }, env: {} },
      expected: 1000,
    },
    {
      name: 'environment over file',
      sources: {
        file: { otlpServer: { httpPort: 1000 } },
        env: { TRACECHECK_OTLP_SERVER_HTTP_PORT: '2000' },
      },
      expected: 2000,
    },
    {
      name: 'flags over environment',
      sources: {
        flags: { otlpServer: { httpPort: 3000 } },
        file: { otlpServer: { httpPort: 1000 } },
        env: { TRACECHECK_OTLP_SERVER_HTTP_PORT: '2000' },
      },
      expected: 3000,
    },
    {
      name: 'TRACETEST_ names when the TRACECHECK_ one is unset',
      sources: { env: { TRACETEST_OTLP_SERVER_HTTP_PORT: '4000' } },
      expected: 4000,
    },
    {
      name: 'the TRACECHECK_ name over the TRACETEST_ one',
      sources: { env: { TRACETEST_OTLP_SERVER_HTTP_PORT: '4000', TRACECHECK_OTLP_SERVER_HTTP_PORT: '5000' } },
      expected: 5000,
    },
  ])('takes $name', ({ sources, expected }) => {
    expect(resolveAgentConfig(sources).otlpServer.httpPort).toBe(expected);
  });

  it('merges sections key by key, so each source can set a different key', () => {
    const config = resolveAgentConfig({
      flags: { otlpServer: { grpcPort: 0 } },
      env: { TRACECHECK_OTLP_SERVER_HOST: '127.0.0.1', TRACECHECK_LOG_LEVEL: 'debug' },
      file: { otlpServer: { httpPort: 0 }, spanCache: { ttlMs: 5_000 } },
    });
    expect(config.otlpServer).toMatchObject({ host: '127.0.0.1', httpPort: 0, grpcPort: 0 });
    expect(config.spanCache.ttlMs).toBe(5_000);
    expect(config.logLevel).toBe('debug');
  });

  it.each([
    [
      'TRACECHECK_OTLP_SERVER_GRPC_ENABLED',
      'false',
      (c: ReturnType<typeof resolveAgentConfig>) => c.otlpServer.grpcEnabled,
      false,
    ],
    [
      'TRACECHECK_OTLP_SERVER_GRPC_ENABLED',
      '1',
      (c: ReturnType<typeof resolveAgentConfig>) => c.otlpServer.grpcEnabled,
      true,
    ],
    [
      'TRACECHECK_OTLP_SERVER_CORS_ALLOWED_ORIGINS',
      ' https://a.example , https://b.example ,',
      (c: ReturnType<typeof resolveAgentConfig>) => c.otlpServer.corsAllowedOrigins,
      ['https://a.example', 'https://b.example'],
    ],
    [
      'TRACECHECK_SPAN_CACHE_MAX_BYTES',
      '1048576',
      (c: ReturnType<typeof resolveAgentConfig>) => c.spanCache.maxBytes,
      1_048_576,
    ],
  ])('reads %s=%j', (name, value, pick, expected) => {
    expect(pick(resolveAgentConfig({ env: { [name]: value } }))).toEqual(expected);
  });

  it('reports every bad value at once, with where it came from', () => {
    const error = errorOf(() =>
      resolveAgentConfig({
        flags: { otlpServer: { grpcPort: 70_000 } },
        env: { TRACECHECK_OTLP_SERVER_HTTP_PORT: 'abc', TRACECHECK_LOG_LEVEL: 'loud' },
        file: { spanCache: { ttlMs: -1 } },
        fileName: 'tracecheck.yaml',
      }),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('TRACECHECK_OTLP_SERVER_HTTP_PORT="abc": expected a number');
    expect(error.message).toContain('"otlpServer.grpcPort" = 70000 (from flag)');
    expect(error.message).toContain('"spanCache.ttlMs" = -1 (from tracecheck.yaml)');
    expect(error.message).toContain('"logLevel" = "loud" (from environment variable TRACECHECK_LOG_LEVEL)');
  });

  it('names unknown keys and lists the known ones', () => {
    const error = errorOf(() =>
      resolveAgentConfig({ env: {}, file: { otlpServer: { htpPort: 1 } }, fileName: 'agent.yaml' }),
    );
    expect(error.message).toContain('unknown key "htpPort" in "otlpServer" (from agent.yaml)');
    expect(error.message).toContain('otlpServer.httpPort');
  });

  it('rejects a file that is not a mapping', () => {
    expect(
      errorOf(() => resolveAgentConfig({ env: {}, file: ['a'], fileName: 'agent.yaml' })).message,
    ).toMatch(/invalid agent configuration in agent\.yaml: expected a mapping .* got a list/);
  });
});

describe('parseAgentOptions', () => {
  it('ignores the environment: embedded agents are configured in code only', () => {
    process.env.TRACECHECK_OTLP_SERVER_HTTP_PORT = '1234';
    try {
      expect(parseAgentOptions({ otlpServer: { grpcPort: 0 } }).otlpServer).toMatchObject({
        httpPort: 4318,
        grpcPort: 0,
      });
    } finally {
      delete process.env.TRACECHECK_OTLP_SERVER_HTTP_PORT;
    }
  });
});

describe('listAgentConfigKeys', () => {
  it('describes every key with its environment variable, kind and default', () => {
    const keys = listAgentConfigKeys();
    expect(keys.map((k) => k.env)).toEqual([
      'TRACECHECK_OTLP_SERVER_HOST',
      'TRACECHECK_OTLP_SERVER_HTTP_PORT',
      'TRACECHECK_OTLP_SERVER_GRPC_PORT',
      'TRACECHECK_OTLP_SERVER_HTTP_ENABLED',
      'TRACECHECK_OTLP_SERVER_GRPC_ENABLED',
      'TRACECHECK_OTLP_SERVER_MAX_MESSAGE_BYTES',
      'TRACECHECK_OTLP_SERVER_MAX_CONCURRENT_EXPORTS',
      'TRACECHECK_OTLP_SERVER_RETRY_AFTER_SECONDS',
      'TRACECHECK_OTLP_SERVER_REQUEST_TIMEOUT_MS',
      'TRACECHECK_OTLP_SERVER_CORS_ALLOWED_ORIGINS',
      'TRACECHECK_SPAN_CACHE_TTL_MS',
      'TRACECHECK_SPAN_CACHE_MAX_BYTES',
      'TRACECHECK_SPAN_CACHE_SWEEP_INTERVAL_MS',
      'TRACECHECK_LOG_LEVEL',
      'TRACECHECK_SHUTDOWN_TIMEOUT_MS',
    ]);
    expect(keys.find((k) => k.path === 'otlpServer.grpcPort')).toMatchObject({
      kind: 'number',
      defaultValue: 4317,
      description: expect.stringContaining('OTLP/gRPC'),
    });
    expect(keys.find((k) => k.path === 'logLevel')).toMatchObject({
      kind: 'enum',
      values: expect.arrayContaining(['debug']),
    });
    for (const key of keys) expect(key.description, key.path).not.toBe('');
  });
});
