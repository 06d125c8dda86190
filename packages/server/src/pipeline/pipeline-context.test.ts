import { describe, expect, it } from 'vitest';
import { type PipelineConfig, resolvePipelineConfig } from './pipeline-context';

describe('resolvePipelineConfig', () => {
  it('fills every default', () => {
    expect(resolvePipelineConfig({ workerName: 'w1' })).toEqual({
      settleMs: 300,
      missingParentGraceMs: 5000,
      triggerTimeoutMs: 30_000,
      heartbeatMs: 5000,
      concurrency: { trigger: 32, collect: 512, evaluate: 4, finish: 16, 'suite-step': 8 },
      defaultPolling: { retryDelayMs: 5000, timeoutMs: 60_000 },
      workerName: 'w1',
    });
  });

  it('keeps what is given, a stage concurrency among the defaults', () => {
    const resolved = resolvePipelineConfig({ settleMs: 0, concurrency: { collect: 8 }, workerName: 'w' });
    expect(resolved.settleMs).toBe(0);
    expect(resolved.concurrency).toMatchObject({ collect: 8, trigger: 32 });
  });

  it.each<[PipelineConfig, RegExp]>([
    [{ settleMs: -1 }, /pipeline settleMs is -1: expected a number of milliseconds of 0 or more/],
    [{ triggerTimeoutMs: 0 }, /pipeline triggerTimeoutMs is 0: expected a number of milliseconds above 0/],
    [{ heartbeatMs: Number.NaN }, /pipeline heartbeatMs is NaN/],
    [{ defaultPolling: { retryDelayMs: 100, timeoutMs: 0 } }, /pipeline defaultPolling.timeoutMs is 0/],
    [
      { concurrency: { evaluate: 0 } },
      /concurrency of stage "evaluate" is 0: expected a whole number of at least 1/,
    ],
    [{ concurrency: { trigger: 1.5 } }, /concurrency of stage "trigger" is 1.5/],
  ])('rejects %j', (config, message) => {
    expect(() => resolvePipelineConfig(config)).toThrow(message);
  });
});
