/**
 * The dashboard's forms in Debian's Chromium (playwright-core, never a downloaded browser) against the
 * real product: `tracecheck start` in a fresh folder with the instrumented service as the system under
 * test. Tests are created, imported and edited through the forms, then checked through the API.
 */
import { describe, expect, it } from 'vitest';
import { eventually, useDashboard, warnWhenChromiumMissing } from './browser-test-support';
import { hasChromium } from './start-dashboard';

warnWhenChromiumMissing('the dashboard form tests');

interface TestJson {
  readonly spec: {
    readonly id: string;
    readonly name: string;
    readonly version: number;
    readonly trigger: { readonly type: string; readonly httpRequest?: Record<string, unknown> };
    readonly specs: readonly { selector: string; assertions: string[] }[];
  };
}

describe.skipIf(!hasChromium)('dashboard forms against tracecheck start', { timeout: 120_000 }, () => {
  const dashboard = useDashboard({ context: { viewport: { width: 1280, height: 900 } } });
  const { api } = dashboard;

  it('creates an HTTP test through the form, runs it, and the run passes', async () => {
    const page = await dashboard.newPage('/tests');
    await page.getByRole('link', { name: 'Create a test' }).click();
    await page.getByRole('heading', { name: 'New test' }).waitFor();
    await page.getByRole('button', { name: 'Close import' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Create an order');
    await page.getByLabel('Method', { exact: true }).selectOption('POST');
    await page.getByLabel('URL', { exact: true }).fill(`${dashboard.product.serviceUrl}/orders`);
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Headers 1 key').fill('Content-Type');
    await page.getByLabel('Headers 1 value').fill('application/json');
    await page.getByLabel('Body', { exact: true }).fill('{"qty": 2}');
    await page.getByRole('button', { name: 'Add spec' }).click();
    await page.getByLabel('Spec 1 name').fill('The order is stored');
    await page
      .getByLabel('Spec 1 selector')
      .fill('span[name="POST /orders"] span[tracetest.span.type="database"]');
    await page.getByLabel('Spec 1 assertion 1').fill('attr:db.statement contains "INSERT"');
    await page.getByRole('button', { name: 'Create test' }).click();

    const saved = page.getByRole('status').filter({ hasText: 'Created' });
    await saved.waitFor();
    expect(await saved.textContent()).toMatch(/Created Create an order, version 1\./);
    const list = await api<{ items: TestJson[] }>('GET', '/tests');
    const created = list.items.find((item) => item.spec.name === 'Create an order');
    expect(created?.spec.trigger).toMatchObject({
      type: 'http',
      httpRequest: {
        method: 'POST',
        url: `${dashboard.product.serviceUrl}/orders`,
        headers: [{ key: 'Content-Type', value: 'application/json' }],
        body: '{"qty": 2}',
      },
    });
    expect(created?.spec.specs).toEqual([
      {
        name: 'The order is stored',
        selector: 'span[name="POST /orders"] span[tracetest.span.type="database"]',
        assertions: ['attr:db.statement contains "INSERT"'],
      },
    ]);

    await saved.getByRole('button', { name: 'Run' }).click();
    await page.waitForURL(new RegExp(`/test/${created?.spec.id}/run/\\d+/`));
    const runId = /\/run\/(\d+)\//.exec(page.url())?.[1];
    await eventually(
      async () =>
        (
          await api<{ state: string; passed: boolean | null }>(
            'GET',
            `/tests/${created?.spec.id}/run/${runId}`,
          )
        ).passed,
      90_000,
    ).toBe(true);
    await page.close();
  });

  it('shows a selector syntax error beside its field, with its column, and does not save', async () => {
    const page = await dashboard.newPage('/tests/new');
    await page.getByRole('button', { name: 'Close import' }).click();
    await page.getByRole('button', { name: 'Add spec' }).click();
    await page.getByLabel('Spec 1 selector').fill('span[name="x"');
    const problem = page.getByRole('alert').filter({ hasText: 'invalid selector' });
    await problem.waitFor();
    expect(await problem.textContent()).toContain('column 14');
    expect(await problem.locator('.field-problem-caret').textContent()).toBe(
      `span[name="x"\n${' '.repeat(13)}^`,
    );
    await page.getByLabel('Spec 1 assertion 1').fill('attr:http.status_code = ');
    await page.getByRole('alert').filter({ hasText: 'invalid assertion' }).waitFor();
    const before = (await api<{ count: number }>('GET', '/tests')).count;
    await page.getByRole('button', { name: 'Create test' }).click();
    await page.getByRole('alert').filter({ hasText: 'Not saved' }).waitFor();
    // The first invalid field gets the focus.
    await eventually(() =>
      page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.id),
    ).toBeTruthy();
    expect((await api<{ count: number }>('GET', '/tests')).count).toBe(before);
    await page.close();
  });

  it('imports a test from a cURL command', async () => {
    const page = await dashboard.newPage('/tests/new');
    await page
      .getByLabel('cURL command')
      .fill(
        `curl -X PUT '${dashboard.product.serviceUrl}/orders?src=curl' \\\n  -H 'Content-Type: application/json' -H "X-Request-Id: abc" \\\n  --data-raw '{"sku": "a b"}' -u alice:s3cret`,
      );
    await page.getByRole('button', { name: 'Import into the form' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported PUT' }).waitFor();
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('PUT /orders');
    expect(await page.getByLabel('Method', { exact: true }).inputValue()).toBe('PUT');
    expect(await page.getByLabel('Headers 2 value').inputValue()).toBe('abc');
    expect(await page.getByLabel('Authentication type').inputValue()).toBe('basic');
    await page.getByRole('button', { name: 'Create test' }).click();
    await page.getByRole('status').filter({ hasText: 'Created' }).waitFor();
    const list = await api<{ items: TestJson[] }>('GET', '/tests');
    const imported = list.items.find((item) => item.spec.name === 'PUT /orders');
    expect(imported?.spec.trigger.httpRequest).toMatchObject({
      method: 'PUT',
      url: `${dashboard.product.serviceUrl}/orders?src=curl`,
      headers: [
        { key: 'Content-Type', value: 'application/json' },
        { key: 'X-Request-Id', value: 'abc' },
      ],
      body: '{"sku": "a b"}',
      auth: { type: 'basic', basic: { username: 'alice', password: 's3cret' } },
    });
    await page.close();
  });

  it('imports a YAML definition and reports its problems with their line', async () => {
    const page = await dashboard.newPage('/tests/new');
    await page.getByLabel('YAML', { exact: true }).check();
    await page
      .getByLabel('YAML definition', { exact: true })
      .last()
      .fill('type: Test\nspec:\n  name: broken\n  trigger:\n    type: http\n');
    await page.getByRole('button', { name: 'Import into the form' }).click();
    const problems = page.getByRole('alert').filter({ hasText: 'problem' });
    await problems.waitFor();
    expect(await problems.textContent()).toMatch(/line \d+, column \d+/);
    await page.close();
  });

  it('edits a spec, saves a new version, and shows the YAML of the previous one', async () => {
    const list = await api<{ items: TestJson[] }>('GET', '/tests');
    const test = list.items.find((item) => item.spec.name === 'Create an order');
    expect(test).toBeDefined();
    const page = await dashboard.newPage(`/test/${test?.spec.id}`);
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: 'Edit Create an order' }).waitFor();
    await page.getByLabel('Spec 1 assertion 1').fill('attr:db.statement contains "INSERT INTO"');
    await page.getByRole('button', { name: 'Add assertion' }).click();
    await page.getByLabel('Spec 1 assertion 2').fill('attr:tracetest.span.duration < 10s');
    await page.getByRole('button', { name: 'Save test' }).click();
    await page.getByRole('status').filter({ hasText: 'version 2' }).waitFor();
    const stored = await api<TestJson>('GET', `/tests/${test?.spec.id}`);
    expect(stored.spec.version).toBe(2);
    expect(stored.spec.specs[0]?.assertions).toEqual([
      'attr:db.statement contains "INSERT INTO"',
      'attr:tracetest.span.duration < 10s',
    ]);

    await page.goto(`${dashboard.product.url}/test/${test?.spec.id}`);
    await page.getByRole('button', { name: 'Versions (2)' }).click();
    await page.getByLabel('Version', { exact: true }).selectOption('1');
    const yaml = page.getByRole('figure', { name: 'YAML of version 1' });
    await eventually(() => yaml.textContent()).toContain('attr:db.statement contains "INSERT"');
    expect(await yaml.textContent()).not.toContain('INSERT INTO');
    await page.close();
  });

  it('stores a variable set with a secret that is shown masked and never read back', async () => {
    const page = await dashboard.newPage('/variablesets');
    await page.getByRole('link', { name: 'New variable set' }).click();
    await page.getByLabel('Name', { exact: true }).fill('staging');
    await page.getByLabel('Id', { exact: true }).fill('staging');
    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.getByLabel('Variable 1 key').fill('BASE_URL');
    await page.getByLabel('Variable 1 value').fill('https://staging.shop');
    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.getByLabel('Variable 2 key').fill('TOKEN');
    await page.getByRole('checkbox', { name: 'Secret' }).nth(1).check();
    expect(await page.getByLabel('Variable 2 value').getAttribute('type')).toBe('password');
    await page.getByLabel('Variable 2 value').fill('s3cr3t-value');
    await page.getByRole('button', { name: 'Create variable set' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved staging' }).waitFor();

    const stored = await api<{ spec: { values: { key: string; value: string; type: string }[] } }>(
      'GET',
      '/variablesets/staging',
    );
    expect(stored.spec.values).toEqual([
      { key: 'BASE_URL', value: 'https://staging.shop', type: 'raw' },
      { key: 'TOKEN', value: '********', type: 'secret' },
    ]);

    // Opened again: the secret's field is empty and says a value is stored; the page never holds it.
    const again = await dashboard.newPage('/variableset/staging');
    const secret = again.getByLabel('Variable 2 value');
    await secret.waitFor();
    expect(await secret.inputValue()).toBe('');
    expect(await secret.getAttribute('placeholder')).toMatch(/stored/);
    expect(await again.content()).not.toContain('s3cr3t-value');
    // Saving without typing keeps the stored secret (the mask goes back, the server keeps its value).
    await again.getByLabel('Variable 1 value').fill('https://staging2.shop');
    await again.getByRole('button', { name: 'Save variable set' }).click();
    await again.getByRole('status').filter({ hasText: 'Saved staging' }).waitFor();
    const resolved = await api<{ resolvedValues: string[] }>('POST', '/expressions/resolve', {
      expression: 'var:TOKEN | length',
      context: { variableSetId: 'staging' },
    });
    // 12 characters: the stored secret, not the 8-character mask the form sent back.
    expect(resolved.resolvedValues).toEqual(['12']);
    await page.close();
    await again.close();
  });

  it('tests the data store connection and shows each step', async () => {
    const page = await dashboard.newPage('/settings');
    await page.getByRole('heading', { name: 'Data store' }).waitFor();
    await page.getByLabel('Type', { exact: true }).selectOption('jaeger');
    await page.getByLabel('Endpoint (gRPC query API)').fill('127.0.0.1:1');
    await page.getByLabel('Plaintext connection (no TLS)').check();
    await page.getByRole('button', { name: 'Test connection' }).click();
    const result = page.getByRole('region', { name: 'Connection test result' });
    await result.waitFor({ timeout: 60_000 });
    expect(await result.getByRole('heading').textContent()).toBe('The connection test failed');
    expect(await result.getByRole('listitem').count()).toBeGreaterThan(0);
    expect(await result.textContent()).toMatch(/Failed:/);

    await page.getByLabel('Type', { exact: true }).selectOption('otlp');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await eventually(() => result.getByRole('heading').textContent(), 60_000).toBe('The data store answered');
    await page.getByRole('button', { name: 'Save data store' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved the data store' }).waitFor();
    const stores = await api<{ items: { spec: { type: string; default: boolean } }[] }>('GET', '/datastores');
    expect(stores.items.map((item) => item.spec)).toContainEqual(
      expect.objectContaining({ type: 'otlp', default: true }),
    );
    await page.close();
  });

  it('saves a polling profile, refusing a duration it cannot read', async () => {
    const page = await dashboard.newPage('/settings/polling');
    const timeout = page.getByLabel('Timeout', { exact: true });
    await timeout.fill('thirty seconds');
    await page.getByRole('alert').filter({ hasText: 'a duration such as' }).waitFor();
    await timeout.fill('30s');
    await page.getByLabel('Retry delay').fill('500ms');
    await page.getByRole('button', { name: 'Save polling profile' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved the polling profile' }).waitFor();
    const profiles = await api<{ items: { spec: { periodic: { timeout: string; retryDelay: string } } }[] }>(
      'GET',
      '/pollingprofiles',
    );
    expect(profiles.items[0]?.spec.periodic).toMatchObject({ timeout: '30s', retryDelay: '500ms' });
    await page.close();
  });

  it('saves the analyzer and the required gates', async () => {
    const page = await dashboard.newPage('/settings/analyzer');
    await page.getByLabel('Minimum score').fill('70');
    await page.getByLabel('Weight of Span naming').fill('40');
    await page.getByRole('button', { name: 'Save analyzer' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved the analyzer' }).waitFor();
    const analyzer = await api<{
      spec: { minimumScore: number; plugins: { rules: { id: string; weight: number }[] }[] };
    }>('GET', '/analyzers/current');
    expect(analyzer.spec.minimumScore).toBe(70);
    expect(analyzer.spec.plugins[0]?.rules.find((rule) => rule.id === 'span-naming')?.weight).toBe(40);

    await page
      .getByRole('navigation', { name: 'Settings' })
      .getByRole('link', { name: 'Required gates' })
      .click();
    await page.getByRole('checkbox', { name: 'analyzer-score' }).check();
    await page.getByRole('button', { name: 'Save required gates' }).click();
    await page.getByRole('status').filter({ hasText: 'runs require' }).waitFor();
    const runner = await api<{ spec: { requiredGates: string[] } }>('GET', '/testrunners/current');
    expect(runner.spec.requiredGates).toEqual(['analyzer-score', 'test-specs']);
    await page.close();
  });

  it('creates a suite from the tests and lists its steps', async () => {
    const page = await dashboard.newPage('/testsuites');
    await page.getByRole('link', { name: 'New suite' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Checkout');
    await page.getByLabel('Test to add').selectOption({ label: 'Create an order' });
    await page.getByRole('button', { name: 'Add step' }).click();
    await page.getByLabel('Test to add').selectOption({ label: 'PUT /orders' });
    await page.getByRole('button', { name: 'Add step' }).click();
    await page.getByRole('button', { name: 'Move step 2 up' }).click();
    await page.getByRole('button', { name: 'Create suite' }).click();
    const saved = page.getByRole('status').filter({ hasText: 'Saved' });
    await saved.waitFor();
    await saved.getByRole('link', { name: 'Checkout' }).click();
    const steps = page.getByRole('region', { name: 'Steps' }).getByRole('listitem');
    await eventually(() => steps.allTextContents()).toEqual(['PUT /orders', 'Create an order']);
    await page.close();
  });

  it('names every form control', async () => {
    for (const href of [
      '/tests/new',
      '/variablesets/new',
      '/monitors/new',
      '/settings/datastore',
      '/settings/analyzer',
    ]) {
      const page = await dashboard.newPage(href);
      await page.locator('form').first().waitFor();
      const unnamed = await page.evaluate(() =>
        [...document.querySelectorAll('input, select, textarea')]
          .filter((element) => (element as HTMLInputElement).type !== 'hidden')
          .filter((element) => {
            const labelled =
              element.getAttribute('aria-label') || (element as HTMLInputElement).labels?.length;
            return !labelled && element.closest('label') === null;
          })
          .map((element) => element.outerHTML.slice(0, 120)),
      );
      expect(unnamed, href).toEqual([]);
      await page.close();
    }
  });
});
