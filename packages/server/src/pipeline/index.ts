/**
 * The durable run pipeline: the stage workers (trigger → collect → evaluate → finish, and suite
 * steps) and the run service the API calls. Stages are idempotent, keyed by (run, stage), and move
 * runs with compare-and-sets, so redelivered messages never fire a trigger twice or finish a run twice.
 */
export { SKIP_TRACE_COLLECTION } from './collect-stage';
export {
  createPipelineContext,
  createPipelineWorkers,
  type PipelineDependencies,
  type PipelineWorkers,
} from './create-pipeline-workers';
export { createRunService } from './create-run-service';
export {
  type PipelineConfig,
  type PipelineContext,
  type ResolvedPipelineConfig,
  resolvePipelineConfig,
} from './pipeline-context';
export type { RunEventType } from './run-events';
export type * from './run-service';
export { assembleRunTrace } from './run-trace';
