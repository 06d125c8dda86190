/**
 * Finds the services and methods of a `.proto` file, so the gRPC trigger form offers them to pick
 * from. A small reader, not a compiler: it skips comments and strings, and reads `package`,
 * `service X { rpc Y (Req) returns (Res); }` at any nesting of options.
 */

export interface ProtoService {
  /** Fully qualified: `package.Service`. */
  readonly name: string;
  readonly methods: readonly ProtoMethod[];
}

export interface ProtoMethod {
  readonly name: string;
  readonly requestType: string;
  readonly responseType: string;
  readonly clientStreaming: boolean;
  readonly serverStreaming: boolean;
}

export type ParseProtoResult =
  | { readonly ok: true; readonly packageName: string; readonly services: readonly ProtoService[] }
  | { readonly ok: false; readonly error: string };

/** The text with comments and string contents blanked out (same length, so offsets still match). */
function blankCommentsAndStrings(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') {
        out += ' ';
        i++;
      }
    } else if (char === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (char === '"' || char === "'") {
      out += char;
      i++;
      while (i < text.length && text[i] !== char && text[i] !== '\n') {
        out += text[i] === '\\' ? '  ' : ' ';
        i += text[i] === '\\' ? 2 : 1;
      }
      if (i < text.length) out += text[i];
      i++;
    } else {
      out += char;
      i++;
    }
  }
  return out;
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/**
 * Parses the services of a proto file.
 * @example parseProto('package shop; service Orders { rpc Create (Req) returns (Res); }')
 * // { ok: true, packageName: 'shop', services: [{ name: 'shop.Orders', methods: [{ name: 'Create', … }] }] }
 */
export function parseProto(source: string): ParseProtoResult {
  const text = blankCommentsAndStrings(source);
  const packageMatch = /\bpackage\s+([A-Za-z_][\w.]*)\s*;/.exec(text);
  const packageName = packageMatch?.[1] ?? '';
  const services: ProtoService[] = [];
  const serviceRe = /\bservice\s+([A-Za-z_]\w*)\s*\{/g;
  for (let match = serviceRe.exec(text); match !== null; match = serviceRe.exec(text)) {
    // The service body ends at the brace that closes the one after its name.
    let depth = 1;
    let end = match.index + match[0].length;
    while (end < text.length && depth > 0) {
      if (text[end] === '{') depth++;
      else if (text[end] === '}') depth--;
      end++;
    }
    if (depth > 0) {
      return {
        ok: false,
        error: `line ${lineOf(text, match.index)}: service ${match[1]} has no closing "}"`,
      };
    }
    const body = text.slice(match.index + match[0].length, end - 1);
    const methods: ProtoMethod[] = [];
    const rpcRe =
      /\brpc\s+([A-Za-z_]\w*)\s*\(\s*(stream\s+)?([.\w]+)\s*\)\s*returns\s*\(\s*(stream\s+)?([.\w]+)\s*\)/g;
    for (let rpc = rpcRe.exec(body); rpc !== null; rpc = rpcRe.exec(body)) {
      methods.push({
        name: rpc[1]!,
        requestType: rpc[3]!,
        responseType: rpc[5]!,
        clientStreaming: rpc[2] !== undefined,
        serverStreaming: rpc[4] !== undefined,
      });
    }
    services.push({ name: packageName === '' ? match[1]! : `${packageName}.${match[1]}`, methods });
    serviceRe.lastIndex = end;
  }
  if (services.length === 0) {
    return {
      ok: false,
      error:
        'the file defines no service: a gRPC trigger calls a method of a `service X { rpc Y (Req) returns (Res); }`',
    };
  }
  return { ok: true, packageName, services };
}
