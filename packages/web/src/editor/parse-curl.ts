/**
 * Reads a `curl` command line (as copied from a browser's dev tools or a README) into the fields of an
 * HTTP trigger: method, URL, headers, body, basic auth and TLS verification.
 */

/** The parts of a curl command an HTTP trigger keeps. */
export interface CurlRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: readonly { readonly key: string; readonly value: string }[];
  readonly body: string;
  readonly basicAuth?: { readonly username: string; readonly password: string };
  /** False when the command has `-k` / `--insecure`. */
  readonly sslVerification: boolean;
}

export type ParseCurlResult =
  | { readonly ok: true; readonly request: CurlRequest; readonly ignored: readonly string[] }
  | { readonly ok: false; readonly error: string };

/**
 * Splits a command line into words as a POSIX shell does: single quotes keep everything, double quotes
 * allow `\"`, `\\`, `\$` escapes, a backslash outside quotes escapes the next character, and a backslash
 * before a newline continues the line. `$'…'` (bash ANSI-C quoting, used by Chrome's "Copy as cURL")
 * understands `\n`, `\t`, `\'` and `\\`.
 */
export function splitShellWords(text: string): { words: string[] } | { error: string } {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const ansiEscapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', "'": "'", '\\': '\\', '"': '"' };
  while (i < text.length) {
    const char = text[i]!;
    if (char === '\\' && text[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (char === '\\' && text[i + 1] === '\r' && text[i + 2] === '\n') {
      i += 3;
      continue;
    }
    if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (char === '$' && text[i + 1] === "'") {
      const start = i;
      i += 2;
      while (i < text.length && text[i] !== "'") {
        if (text[i] === '\\' && i + 1 < text.length) {
          const next = text[i + 1]!;
          word += ansiEscapes[next] ?? `\\${next}`;
          i += 2;
        } else {
          word += text[i];
          i++;
        }
      }
      if (i >= text.length) return { error: `the quote $' at character ${start + 1} is never closed` };
      i++;
      continue;
    }
    if (char === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return { error: `the single quote at character ${i + 1} is never closed` };
      word += text.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (char === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1]!)) {
          if (text[i + 1] !== '\n') word += text[i + 1];
          i += 2;
        } else {
          word += text[i];
          i++;
        }
      }
      if (i >= text.length) return { error: `the double quote at character ${start + 1} is never closed` };
      i++;
      continue;
    }
    if (char === '\\' && i + 1 < text.length) {
      word += text[i + 1];
      i += 2;
      continue;
    }
    word += char;
    i++;
  }
  if (inWord) words.push(word);
  return { words };
}

const DATA_FLAGS = new Set([
  '-d',
  '--data',
  '--data-raw',
  '--data-binary',
  '--data-ascii',
  '--data-urlencode',
]);
/** Flags that take a value the trigger has no use for (kept out of the URL). */
const IGNORED_WITH_VALUE = new Set([
  '-o',
  '--output',
  '-m',
  '--max-time',
  '--connect-timeout',
  '-A',
  '--user-agent',
  '-e',
  '--referer',
  '-b',
  '--cookie',
  '--retry',
  '-w',
  '--write-out',
]);

/**
 * Parses `curl [flags] <url>`. Understood: `-X/--request`, `-H/--header`, `-d/--data/--data-raw/
 * --data-binary/--data-ascii/--data-urlencode` (several are joined with `&`, and make the method POST
 * unless `-X` says otherwise), `-u/--user`, `--url`, `-k/--insecure`, `-I/--head`, `-G/--get`.
 * Other flags are listed in `ignored`.
 * @example parseCurl(`curl -X POST https://api.local/orders -H 'Content-Type: application/json' -d '{"qty":2}'`)
 */
export function parseCurl(command: string): ParseCurlResult {
  const split = splitShellWords(command.trim());
  if ('error' in split) return { ok: false, error: split.error };
  const words = split.words;
  if (words[0] !== 'curl') {
    return {
      ok: false,
      error: 'a cURL command starts with `curl`: paste the whole command, e.g. curl https://example.com',
    };
  }
  let method: string | undefined;
  let url: string | undefined;
  const headers: { key: string; value: string }[] = [];
  const data: string[] = [];
  let basicAuth: CurlRequest['basicAuth'];
  let sslVerification = true;
  let head = false;
  let get = false;
  const ignored: string[] = [];
  for (let i = 1; i < words.length; i++) {
    let flag = words[i]!;
    let inlineValue: string | undefined;
    if (flag.startsWith('--') && flag.includes('=')) {
      inlineValue = flag.slice(flag.indexOf('=') + 1);
      flag = flag.slice(0, flag.indexOf('='));
    } else if (/^-[XHdu]./.test(flag)) {
      // Short flags glued to their value: -XPOST, -H'Accept: x'.
      inlineValue = flag.slice(2);
      flag = flag.slice(0, 2);
    }
    const takeValue = (): string | undefined => {
      if (inlineValue !== undefined) return inlineValue;
      i++;
      return words[i];
    };
    if (flag === '-X' || flag === '--request') {
      const value = takeValue();
      if (value === undefined) return { ok: false, error: `${flag} needs a method, e.g. ${flag} POST` };
      method = value.toUpperCase();
    } else if (flag === '-H' || flag === '--header') {
      const value = takeValue();
      if (value === undefined)
        return { ok: false, error: `${flag} needs a header, e.g. ${flag} 'Accept: application/json'` };
      const colon = value.indexOf(':');
      if (colon <= 0) return { ok: false, error: `the header "${value}" has no "Name: value" form` };
      headers.push({ key: value.slice(0, colon).trim(), value: value.slice(colon + 1).trim() });
    } else if (DATA_FLAGS.has(flag)) {
      const value = takeValue();
      if (value === undefined) return { ok: false, error: `${flag} needs the body, e.g. ${flag} '{"a":1}'` };
      data.push(value);
    } else if (flag === '-u' || flag === '--user') {
      const value = takeValue();
      if (value === undefined) return { ok: false, error: `${flag} needs user:password` };
      const colon = value.indexOf(':');
      basicAuth =
        colon < 0
          ? { username: value, password: '' }
          : { username: value.slice(0, colon), password: value.slice(colon + 1) };
    } else if (flag === '--url') {
      url = takeValue();
    } else if (flag === '-k' || flag === '--insecure') {
      sslVerification = false;
    } else if (flag === '-I' || flag === '--head') {
      head = true;
    } else if (flag === '-G' || flag === '--get') {
      get = true;
    } else if (IGNORED_WITH_VALUE.has(flag)) {
      takeValue();
      ignored.push(flag);
    } else if (flag.startsWith('-') && flag.length > 1) {
      ignored.push(flag);
    } else if (url === undefined) {
      url = flag;
    } else {
      return { ok: false, error: `two URLs were given ("${url}" and "${flag}"): a test sends one request` };
    }
  }
  if (url === undefined || url === '')
    return { ok: false, error: 'the command names no URL: add it, e.g. curl https://example.com/health' };
  let body = data.join('&');
  if (get && body !== '') {
    url = `${url}${url.includes('?') ? '&' : '?'}${body}`;
    body = '';
  }
  const resolvedMethod = method ?? (head ? 'HEAD' : body !== '' ? 'POST' : 'GET');
  return {
    ok: true,
    request: {
      method: resolvedMethod,
      url,
      headers,
      body,
      ...(basicAuth ? { basicAuth } : {}),
      sslVerification,
    },
    ignored,
  };
}
