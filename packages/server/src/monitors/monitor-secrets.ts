import { SECRET_MASK, TracecheckError } from '@tracecheck/core';
import type { SecretBox } from '../store/secret-box';
import type { Scope } from '../store/store';

type Spec = Record<string, unknown>;

/** A sealed webhook secret opens only in its environment. */
function contextOf(scope: Scope): string {
  return `${scope.organizationId}/${scope.environmentId}/monitor-webhook`;
}

function alertsOf(spec: Spec | undefined): Spec[] {
  return Array.isArray(spec?.alerts) ? (spec.alerts as Spec[]) : [];
}

function webhookOf(alert: Spec | undefined): Spec | undefined {
  const webhook = alert?.webhook;
  return typeof webhook === 'object' && webhook !== null ? (webhook as Spec) : undefined;
}

/** The stored alert an incoming one replaces: the same `id`, else the same position. */
function previousAlert(stored: readonly Spec[], alert: Spec, index: number): Spec | undefined {
  return typeof alert.id === 'string' ? stored.find((entry) => entry.id === alert.id) : stored[index];
}

/**
 * A Monitor spec as stored: each webhook `secret` sealed with `box` (when the server has one). A
 * secret sent back as `********` (as reads show it) keeps the stored one, and an unchanged secret
 * keeps its sealed text, so applying a definition that was read back changes nothing.
 * @example sealMonitorSecrets(scope, spec, existing?.spec, box)
 */
export function sealMonitorSecrets(
  scope: Scope,
  spec: Spec,
  existing: Spec | undefined,
  box: SecretBox | undefined,
): Spec {
  const stored = alertsOf(existing);
  if (!Array.isArray(spec.alerts)) return spec;
  const alerts = alertsOf(spec).map((alert, index) => {
    const webhook = webhookOf(alert);
    if (typeof webhook?.secret !== 'string') return alert;
    const previous = webhookOf(previousAlert(stored, alert, index))?.secret;
    let secret: string = webhook.secret;
    if (secret === SECRET_MASK) {
      if (typeof previous !== 'string') {
        throw new TracecheckError(
          'REQUEST_INVALID',
          `alert ${index + 1} of the monitor has the webhook secret ${SECRET_MASK}, which is how stored secrets ` +
            'are shown, but no secret is stored for it: send the real secret',
          { alert: index + 1 },
        );
      }
      secret = previous;
    } else if (box !== undefined) {
      const unchanged = typeof previous === 'string' && box.decrypt(previous, contextOf(scope)) === secret;
      secret = unchanged ? previous : box.encrypt(secret, contextOf(scope));
    }
    return { ...alert, webhook: { ...webhook, secret } };
  });
  return { ...spec, alerts };
}

/** The spec as answers show it: every webhook secret replaced by `********`. */
export function maskMonitorSecrets(spec: Spec): Spec {
  if (!Array.isArray(spec.alerts)) return spec;
  return {
    ...spec,
    alerts: alertsOf(spec).map((alert) => {
      const webhook = webhookOf(alert);
      return typeof webhook?.secret === 'string'
        ? { ...alert, webhook: { ...webhook, secret: SECRET_MASK } }
        : alert;
    }),
  };
}

/** A stored webhook secret in plaintext, for signing a delivery only (never logged or answered). */
export function openWebhookSecret(scope: Scope, stored: string, box: SecretBox | undefined): string {
  return box === undefined ? stored : box.decrypt(stored, contextOf(scope));
}
