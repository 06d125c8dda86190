import { describe, expect, it } from 'vitest';
import { parseProto } from './parse-proto';

const PROTO = `syntax = "proto3";
// service Fake { rpc Nope (A) returns (B); }
package shop.v1;
import "google/protobuf/empty.proto";

/* a block comment with service Hidden { } */
service Orders {
  option (x) = { a: "}" };
  rpc Create (CreateRequest) returns (Order);
  rpc Watch (google.protobuf.Empty) returns (stream Order) {
    option deprecated = true;
  }
}

service Health { rpc Check(stream Ping) returns (Pong); }
message CreateRequest { string sku = 1; }
`;

describe('parseProto', () => {
  it('reads the package, services and methods, skipping comments and strings', () => {
    expect(parseProto(PROTO)).toEqual({
      ok: true,
      packageName: 'shop.v1',
      services: [
        {
          name: 'shop.v1.Orders',
          methods: [
            {
              name: 'Create',
              requestType: 'CreateRequest',
              responseType: 'Order',
              clientStreaming: false,
              serverStreaming: false,
            },
            {
              name: 'Watch',
              requestType: 'google.protobuf.Empty',
              responseType: 'Order',
              clientStreaming: false,
              serverStreaming: true,
            },
          ],
        },
        {
          name: 'shop.v1.Health',
          methods: [
            {
              name: 'Check',
              requestType: 'Ping',
              responseType: 'Pong',
              clientStreaming: true,
              serverStreaming: false,
            },
          ],
        },
      ],
    });
  });

  it('names services without a package by their own name', () => {
    const parsed = parseProto('service S { rpc M (A) returns (B); }');
    expect(parsed.ok && parsed.services[0]?.name).toBe('S');
  });

  it.each([
    { text: 'message A {}', error: /defines no service/ },
    {
      text: 'package p;\n\nservice S { rpc M (A) returns (B);',
      error: /^line 3: service S has no closing "}"/,
    },
  ])('rejects $text', ({ text, error }) => {
    const parsed = parseProto(text);
    expect(!parsed.ok && parsed.error).toMatch(error);
  });
});
