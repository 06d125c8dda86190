import { toRunGroupView } from '../api/run-group-views';
import type { EventBus } from '../events/event-bus';
import type { RunGroupRecord } from '../store/run-group-store';
import type { Scope, Store } from '../store/store';

/**
 * Recomputes a group's summary after one of its members changed, and publishes a live `run-group`
 * event when the summary did change (so subscribers see each change once, whichever worker made it).
 */
export async function refreshRunGroup(
  context: { readonly store: Store; readonly bus: EventBus },
  scope: Scope,
  runGroupId: string,
): Promise<void> {
  const refreshed = await context.store.runGroups.refresh(scope, runGroupId);
  if (refreshed?.changed) await publishRunGroupState(context.bus, scope, refreshed.group);
}

/** Publishes a group's summary as a live `run-group` event (topics `<org>.<env>` and `<org>.<env>.group.<id>`). */
export async function publishRunGroupState(
  bus: EventBus,
  scope: Scope,
  group: RunGroupRecord,
): Promise<void> {
  await bus.publish({
    type: 'run-group',
    organizationId: scope.organizationId,
    environmentId: scope.environmentId,
    runId: 0,
    runGroupId: group.id,
    state: group.state,
    payload: toRunGroupView(group),
  });
}
