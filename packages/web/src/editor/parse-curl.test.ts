import { describe, expect, it } from 'vitest';
import { parseCurl, splitShellWords } from './parse-curl';

describe('splitShellWords', () => {
  it.each([
    { text: `a 'b c' "d \\"e\\"" f\\ g`, words: ['a', 'b c', 'd "e"', 'f g'] },
    { text: 'a \\\n  b', words: ['a', 'b'] },
    { text: `$'x\\ny\\'z'`, words: ["x\ny'z"] },
    { text: `'it'"'"'s'`, words: ["it's"] },
    { text: '', words: [] },
  ])('splits $text', ({ text, words }) => {
    expect(splitShellWords(text)).toEqual({ words });
  });

  it('says which quote is never closed', () => {
    expect(splitShellWords(`curl 'abc`)).toEqual({
      error: 'the single quote at character 6 is never closed',
    });
  });
});

describe('parseCurl', () => {
  it('reads method, URL, headers and body', () => {
    const parsed = parseCurl(
      `curl -X POST 'https://api.local/orders?x=1' \\\n  -H 'Content-Type: application/json' -H "X-Id: 7" \\\n  --data-raw '{"sku":"a b","qty":2}'`,
    );
    expect(parsed).toEqual({
      ok: true,
      ignored: [],
      request: {
        method: 'POST',
        url: 'https://api.local/orders?x=1',
        headers: [
          { key: 'Content-Type', value: 'application/json' },
          { key: 'X-Id', value: '7' },
        ],
        body: '{"sku":"a b","qty":2}',
        sslVerification: true,
      },
    });
  });

  it.each([
    { command: 'curl http://h/p', method: 'GET', body: '' },
    { command: 'curl http://h/p -d a=1 -d b=2', method: 'POST', body: 'a=1&b=2' },
    { command: 'curl -XPUT http://h/p --data=x', method: 'PUT', body: 'x' },
    { command: 'curl -I http://h/p', method: 'HEAD', body: '' },
    { command: 'curl --request patch --url http://h/p', method: 'PATCH', body: '' },
  ])('$command is a $method', ({ command, method, body }) => {
    const parsed = parseCurl(command);
    expect(parsed.ok && parsed.request.method).toBe(method);
    expect(parsed.ok && parsed.request.body).toBe(body);
  });

  it('reads basic auth, --insecure and -G, and lists flags it ignores', () => {
    const parsed = parseCurl('curl -k -u alice:s3:cret -G http://h/search -d q=1 -L --compressed -o out.txt');
    expect(parsed).toEqual({
      ok: true,
      ignored: ['-L', '--compressed', '-o'],
      request: {
        method: 'GET',
        url: 'http://h/search?q=1',
        headers: [],
        body: '',
        basicAuth: { username: 'alice', password: 's3:cret' },
        sslVerification: false,
      },
    });
  });

  it.each([
    { command: 'wget http://h', error: /starts with `curl`/ },
    { command: 'curl -X POST', error: /names no URL/ },
    { command: 'curl -H nocolon http://h', error: /"nocolon" has no "Name: value" form/ },
    { command: "curl 'http://h", error: /never closed/ },
    { command: 'curl http://a http://b', error: /two URLs/ },
  ])('rejects $command', ({ command, error }) => {
    const parsed = parseCurl(command);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(error);
  });
});
