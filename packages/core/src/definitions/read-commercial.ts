import { isMap } from 'yaml';
import { describeCronProblem, isTimeZone } from './formats';
import { readKeyValues } from './read-trigger';
import {
  type EnvironmentSpec,
  type EnvironmentTokenSpec,
  type InviteSpec,
  MONITOR_ALERT_EVENTS,
  type MonitorAlert,
  type MonitorSpec,
  ROLES,
  WEBHOOK_METHODS,
} from './resource';
import {
  type Field,
  type MapReader,
  type ReadContext,
  readItems,
  readOneOf,
  readText,
  report,
  withoutUndefined,
} from './yaml-reader';

function readSchedule(ctx: ReadContext, spec: MapReader): MonitorSpec['schedule'] {
  const m = spec.mapping('schedule');
  if (!m) return undefined;
  const cronField = m.field('cron');
  let cron = '';
  if (!cronField) m.missing('cron', 'expected five cron fields such as "0 * * * *"');
  else {
    cron = readText(ctx, cronField) ?? '';
    const problem = describeCronProblem(cron);
    if (problem !== undefined)
      report(ctx, 'error', 'INVALID_VALUE', problem, cronField.path, cronField.offset);
  }
  const zoneField = m.field('timeZone');
  const timeZone = zoneField && readText(ctx, zoneField);
  if (zoneField && timeZone !== undefined && timeZone !== '' && !isTimeZone(timeZone)) {
    report(
      ctx,
      'error',
      'INVALID_VALUE',
      `${JSON.stringify(timeZone)} is not a time zone: write an IANA name such as UTC or Europe/Madrid`,
      zoneField.path,
      zoneField.offset,
    );
  }
  m.finish();
  return withoutUndefined({ cron, timeZone });
}

function readAlert(ctx: ReadContext, m: MapReader): MonitorAlert {
  const id = m.string('id');
  const type = m.oneOf('type', ['webhook'] as const, { required: true }) ?? 'webhook';
  const webhookMap = m.mapping('webhook', { required: true });
  let webhook: MonitorAlert['webhook'] = { url: '', method: 'POST' };
  if (webhookMap) {
    webhook = withoutUndefined({
      url: webhookMap.string('url', { required: 'non-empty' }) ?? '',
      method: webhookMap.oneOf('method', WEBHOOK_METHODS, { required: true, ignoreCase: true }) ?? 'POST',
      body: webhookMap.string('body'),
      headers: readKeyValues(webhookMap, 'headers'),
      sslVerification: webhookMap.boolean('sslVerification'),
      secret: webhookMap.string('secret'),
    });
    webhookMap.finish();
  }
  const events = (m.items('events', { required: true }) ?? []).flatMap((item) => {
    const event = readOneOf(ctx, item, MONITOR_ALERT_EVENTS, true);
    return event ? [event] : [];
  });
  m.finish();
  return withoutUndefined({ id, type, webhook, events });
}

function readAlerts(ctx: ReadContext, spec: MapReader): MonitorAlert[] | undefined {
  const field = spec.field('alerts');
  if (!field) return undefined;
  if (isMap(field.node)) {
    report(
      ctx,
      'warning',
      'LEGACY_SHAPE',
      'a single alert mapping is read as a list of one alert; write alerts: as a list',
      field.path,
      spec.keyOffset('alerts'),
    );
    const m = spec.mapping('alerts');
    return m ? [readAlert(ctx, m)] : [];
  }
  return (readItems(ctx, field) ?? []).flatMap((item: Field) => {
    const m = spec.sub(item);
    return m ? [readAlert(ctx, m)] : [];
  });
}

/** Reads the `spec` of a `Monitor` (SPEC §1.13). */
export function readMonitorSpec(ctx: ReadContext, spec: MapReader): MonitorSpec {
  const out = withoutUndefined({
    id: spec.string('id'),
    name: spec.string('name'),
    enabled: spec.boolean('enabled'),
    variableSetId: spec.string('variableSetId'),
    tokenId: spec.string('tokenId'),
    tests: spec.strings('tests'),
    testSuites: spec.strings('testSuites'),
    schedule: readSchedule(ctx, spec),
    alerts: readAlerts(ctx, spec),
    version: spec.integer('version', { min: 1 }),
    createdAt: spec.date('createdAt'),
    updatedAt: spec.date('updatedAt'),
    deletedAt: spec.date('deletedAt'),
  });
  spec.accept('summary', 'fullTests', 'fullTestSuites');
  spec.finish();
  return out;
}

/** Reads the `spec` of an `EnvironmentToken` (SPEC §1.13). */
export function readEnvironmentTokenSpec(spec: MapReader): EnvironmentTokenSpec {
  const out = withoutUndefined({
    id: spec.string('id'),
    name: spec.string('name'),
    role: spec.oneOf('role', ROLES),
    isRevoked: spec.boolean('isRevoked'),
    userID: spec.string('userID'),
    duration: spec.integer('duration', { min: 0 }),
    issuedAt: spec.date('issuedAt'),
    expiresAt: spec.date('expiresAt'),
    updatedAt: spec.date('updatedAt'),
  });
  spec.finish();
  return out;
}

/** Reads the `spec` of an `Invite` (SPEC §1.13). */
export function readInviteSpec(ctx: ReadContext, spec: MapReader): InviteSpec {
  const id = spec.string('id');
  const to = spec.string('to');
  const role = spec.oneOf('role', ROLES);
  const type = spec.oneOf('type', ['email', 'public'] as const);
  const status = spec.oneOf('status', ['pending', 'accepted', 'revoked'] as const);
  const createdAt = spec.date('createdAt');
  const sentAt = spec.date('sentAt');
  const returnTo = spec.string('returnTo');
  const environmentsField = spec.field('environments');
  const environments =
    environmentsField &&
    (readItems(ctx, environmentsField) ?? []).flatMap((item) => {
      const m = spec.sub(item);
      if (!m) return [];
      const entry = {
        id: m.string('id', { required: 'non-empty' }) ?? '',
        role: m.oneOf('role', ROLES, { required: true }) ?? 'runners',
      };
      m.finish();
      return [entry];
    });
  spec.finish();
  return withoutUndefined({ id, to, role, type, status, createdAt, sentAt, returnTo, environments });
}

/** Reads the `spec` of an `Environment` in its workspace meaning (SPEC §1.13). */
export function readEnvironmentSpec(spec: MapReader): EnvironmentSpec {
  const agentMap = spec.mapping('agentConfiguration');
  const agentConfiguration = agentMap && withoutUndefined({ serverless: agentMap.boolean('serverless') });
  agentMap?.finish();
  const out = withoutUndefined({
    id: spec.string('id'),
    name: spec.string('name'),
    description: spec.string('description'),
    labels: spec.stringMap('labels'),
    isLocal: spec.boolean('isLocal'),
    userID: spec.string('userID'),
    organizationID: spec.string('organizationID'),
    agentApiKey: spec.string('agentApiKey'),
    createdAt: spec.date('createdAt'),
    updatedAt: spec.date('updatedAt'),
    resources: spec.string('resources'),
    agentConfiguration,
  });
  spec.finish();
  return out;
}
