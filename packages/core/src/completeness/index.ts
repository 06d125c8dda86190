/** When a run's trace is complete: the collector's policy (SPEC "Tracecheck decisions" 6). */
export * from './decide-trace-completeness';
