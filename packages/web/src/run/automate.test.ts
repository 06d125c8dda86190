import { describe, expect, it } from 'vitest';
import { parseRoute } from '../router/routes';
import { cliCommands, shellQuote, startRunLink, variableSetYaml, yamlFileName } from './automate';

describe('cliCommands', () => {
  it('runs the test by id and from its file', () => {
    expect(cliCommands('order-api')).toEqual({
      byId: 'tracecheck run test --id order-api',
      byFile: 'tracecheck run test -f order-api.yaml',
    });
  });

  it('quotes ids a shell would split, and passes a variable set when there are variables', () => {
    expect(cliCommands("it's mine", { USER: 'ann' })).toEqual({
      byId: "tracecheck run test --id 'it'\\''s mine' --vars variables.yaml",
      byFile: 'tracecheck run test -f it-s-mine.yaml --vars variables.yaml',
    });
    expect(shellQuote('a b')).toBe("'a b'");
    expect(yamlFileName('///')).toBe('test.yaml');
  });
});

describe('variableSetYaml', () => {
  it('writes a VariableSet with the values', () => {
    expect(variableSetYaml('from the dashboard', { USER: 'ann "x"' })).toBe(
      'type: VariableSet\nspec:\n  name: "from the dashboard"\n  values:\n    - key: "USER"\n      value: "ann \\"x\\""\n',
    );
    expect(variableSetYaml('none', {})).toContain('values: []');
  });
});

describe('startRunLink', () => {
  it('links to the start-run page, which reads the variables back', () => {
    const link = startRunLink('http://ui.local', 'order api', { USER: 'ann', '': 'dropped', 'A&B': '1=2' });
    const url = new URL(link);
    expect(url.origin).toBe('http://ui.local');
    expect(parseRoute(url.pathname, url.search)).toEqual({
      page: 'start-run',
      testId: 'order api',
      variables: { USER: 'ann', 'A&B': '1=2' },
    });
  });
});
