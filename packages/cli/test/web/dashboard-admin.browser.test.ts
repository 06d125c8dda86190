/**
 * The organization's administration in the dashboard, in Debian's Chromium (playwright-core, never a
 * downloaded browser) against the real product (`tracecheck start`), signed in as the local owner with
 * the one-time link: the members list, an invite created, listed and revoked, a token created (its
 * plaintext shown once and working), then revoked (and refused), and the audit log of those actions.
 *
 * With `TRACECHECK_SCREENSHOTS=<folder>` it also saves 1280×800 PNGs of the members and tokens pages.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, saveScreenshot, useDashboard, warnWhenChromiumMissing } from './browser-test-support';
import { hasChromium } from './start-dashboard';

/** Generous: the machine running the tests may be heavily loaded. */
const ACTION_TIMEOUT_MS = 60_000;
const VIEWPORT = { width: 1280, height: 800 };
const ORGANIZATION = 'local';

warnWhenChromiumMissing('the dashboard administration tests');

interface InviteJson {
  readonly id: string;
  readonly email: string | null;
  readonly status: string;
}

interface TokenJson {
  readonly id: string;
  readonly name: string;
  readonly revokedAt: string | null;
}

interface AuditJson {
  readonly items: readonly { readonly action: string; readonly resourceId: string }[];
}

describe.skipIf(!hasChromium)(
  'dashboard administration against tracecheck start',
  { timeout: 180_000 },
  () => {
    const dashboard = useDashboard({ context: { viewport: VIEWPORT }, actionTimeoutMs: ACTION_TIMEOUT_MS });
    const { api } = dashboard;
    let page: Page;
    let inviteId = '';
    let tokenId = '';

    async function statusWithToken(token: string): Promise<number> {
      const response = await fetch(`${dashboard.product.url}/api/tests`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await response.body?.cancel();
      return response.status;
    }

    /** The row of the table named `table` that mentions `text`. */
    function rowOf(table: string, text: string) {
      return page.getByRole('table', { name: table }).getByRole('row').filter({ hasText: text });
    }

    async function openSettings(section: string, heading: string): Promise<void> {
      await page.goto(`${dashboard.product.url}/settings/${section}`);
      await page.getByRole('heading', { name: heading, level: 2 }).waitFor();
    }

    beforeAll(async () => {
      // The clipboard of the copy buttons, as a user's browser grants it to the page it shows.
      await dashboard.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
        origin: dashboard.product.url,
      });
      page = await dashboard.newPage();
    });

    it('lists the owner among the members, and offers every admin section to them', async () => {
      await openSettings('members', 'Members');
      const nav = page.getByRole('navigation', { name: 'Settings' });
      for (const name of ['Members', 'Invites', 'API tokens', 'Audit log']) {
        await nav.getByRole('link', { name }).waitFor();
      }
      const members = page.getByRole('table', { name: 'Members' });
      const owner = members.getByRole('row').filter({ hasText: 'Local owner' });
      await owner.waitFor();
      expect(await owner.textContent()).toContain('(you)');
      expect(await owner.getByRole('cell').nth(1).textContent()).toBe('Owner');
      // Nobody demotes or removes themselves by a stray click.
      expect(await owner.getByRole('combobox').count()).toBe(0);
      expect(await owner.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
      await saveScreenshot(page, 'settings-members');
    });

    it('creates an invite, shows its link once, lists it, and revokes it', async () => {
      await openSettings('invites', 'Invites');
      const form = page.getByRole('form', { name: 'New invite' });
      await form.getByLabel('Email', { exact: true }).fill('ann@');
      await form.getByRole('button', { name: 'Create invite' }).click();
      await form.getByRole('alert').filter({ hasText: '"ann@" is not an email address' }).waitFor();

      await form.getByLabel('Email', { exact: true }).fill('ann@example.com');
      await form.getByLabel('Organization role').selectOption('member');
      await form.getByLabel('Role in default').selectOption('engineer');
      await form.getByRole('button', { name: 'Create invite' }).click();
      const secret = page.getByRole('status').filter({ hasText: 'Invite for ann@example.com created' });
      await secret.waitFor();
      expect(await secret.textContent()).toContain("you won't see it again");
      const link = await secret.getByLabel('Invite link').inputValue();
      const code = await secret.getByLabel('Invite code').inputValue();
      expect(link).toBe(`${dashboard.product.url}/settings/members?invite=${encodeURIComponent(code)}`);
      await secret.getByRole('button', { name: 'Copy invite link' }).click();
      await secret.getByRole('button', { name: 'Copied' }).waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

      const row = rowOf('Pending invites', 'ann@example.com');
      await row.waitFor();
      expect(await row.textContent()).toContain('member');
      const invites = await api<InviteJson[]>('GET', `/organizations/${ORGANIZATION}/invites`);
      const created = invites.find((invite) => invite.email === 'ann@example.com');
      expect(created?.status).toBe('pending');
      inviteId = created?.id ?? '';

      await secret.getByRole('button', { name: 'Done' }).click();
      await secret.waitFor({ state: 'detached' });
      await row.getByRole('button', { name: 'Revoke the invite for ann@example.com' }).click();
      const dialog = page.getByRole('alertdialog', { name: 'Revoke the invite for ann@example.com?' });
      await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
      await row.waitFor({ state: 'detached' });
      await page.getByText('No pending invite.').waitFor();
      await eventually(async () => {
        const after = await api<InviteJson[]>('GET', `/organizations/${ORGANIZATION}/invites`);
        return after.find((invite) => invite.id === inviteId)?.status;
      }).toBe('revoked');
    });

    it('creates a token whose plaintext is shown once and works, then revokes it', async () => {
      await openSettings('tokens', 'API tokens');
      const form = page.getByRole('form', { name: 'New token' });
      await form.getByRole('button', { name: 'Create token' }).click();
      await form.getByRole('alert').filter({ hasText: 'give the token a name' }).waitFor();
      await form.getByLabel('Token name').fill('CI pipeline');
      await form.getByLabel('Access').selectOption('env:runner');
      await form.getByLabel('Token expires').selectOption('30d');
      await form.getByRole('button', { name: 'Create token' }).click();

      const secret = page.getByRole('status').filter({ hasText: 'Token “CI pipeline” created' });
      await secret.waitFor();
      expect(await secret.textContent()).toContain("you won't see it again");
      const plaintext = await secret.getByLabel('Token', { exact: true }).inputValue();
      expect(plaintext.length).toBeGreaterThan(20);
      expect(await statusWithToken(plaintext)).toBe(200);

      const row = rowOf('Tokens', 'CI pipeline');
      await row.waitFor();
      expect(await row.textContent()).toContain('Environment runner');
      const tokens = await api<TokenJson[]>('GET', `/organizations/${ORGANIZATION}/tokens`);
      const created = tokens.find((token) => token.name === 'CI pipeline');
      expect(created?.revokedAt).toBeNull();
      tokenId = created?.id ?? '';
      // The list shows the prefix only, never the secret.
      expect(await row.textContent()).not.toContain(plaintext);
      await saveScreenshot(page, 'settings-tokens');

      await secret.getByRole('button', { name: 'Done' }).click();
      await secret.waitFor({ state: 'detached' });
      expect(await page.content()).not.toContain(plaintext);

      await row.getByRole('button', { name: 'Revoke token CI pipeline' }).click();
      const dialog = page.getByRole('alertdialog', { name: 'Revoke token “CI pipeline”?' });
      await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
      await row.waitFor({ state: 'detached' });
      await eventually(() => statusWithToken(plaintext)).toBe(401);

      await page.getByLabel('Show revoked and expired tokens').check();
      await row.getByText('Revoked').waitFor();
    });

    it('shows those actions in the audit log, newest first, and filters them', async () => {
      await openSettings('audit', 'Audit log');
      const log = page.getByRole('table', { name: 'Audit log' });
      await log.waitFor();
      const actions = async () =>
        (await log.locator('tbody tr td:nth-child(3)').allTextContents()).map((text) => text.trim());
      const expected = ['token.revoked', 'token.created', 'invite.revoked', 'invite.created'];
      await eventually(async () => (await actions()).slice(0, 4)).toEqual(expected);
      const rows = log.getByRole('row');
      expect(await rows.filter({ hasText: 'token.created' }).first().textContent()).toContain(tokenId);
      expect(await rows.filter({ hasText: 'invite.revoked' }).first().textContent()).toContain(inviteId);
      expect(await rows.filter({ hasText: 'token.revoked' }).first().textContent()).toContain('Local owner');

      await page.getByLabel('Action').fill('Token created');
      await page.getByRole('alert').filter({ hasText: '"Token created" is not an action' }).waitFor();
      await page.getByLabel('Action').fill('');
      await page.getByLabel('Resource').selectOption('invite');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await eventually(actions).toEqual(['invite.revoked', 'invite.created']);

      // A range must start before it ends; one long before these actions lists none, and says so.
      await page.getByLabel('From', { exact: true }).fill('2000-01-02T00:00');
      await page.getByLabel('To', { exact: true }).fill('2000-01-01T00:00');
      await page.getByRole('alert').filter({ hasText: '“From” is after “To”' }).waitFor();
      await page.getByLabel('From', { exact: true }).fill('1999-12-31T00:00');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.getByText('No entry matches.').waitFor();
      expect(await log.count()).toBe(0);

      const audit = await api<AuditJson>('GET', `/organizations/${ORGANIZATION}/audit?resourceType=invite`);
      expect(audit.items.map((item) => item.action)).toEqual(['invite.revoked', 'invite.created']);
    });
  },
);
