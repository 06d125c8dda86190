import { describe, expect, test } from 'vitest';
import { loadProtoFile } from './load-proto-file';
import { readJsonMessage, renderJsonMessage, toJsonName } from './proto-json';
import { createTestContext } from './testing/local-server';

const root = await loadProtoFile(
  `syntax = "proto3";
  package t;
  import "google/protobuf/timestamp.proto";
  import "google/protobuf/duration.proto";
  import "google/protobuf/wrappers.proto";
  import "google/protobuf/struct.proto";
  enum Color { COLOR_UNSPECIFIED = 0; RED = 1; }
  message Inner { string inner_name = 1; }
  message All {
    int32 small_int = 1;
    int64 big_int = 2;
    uint64 unsigned_big = 3;
    double ratio = 4;
    float narrow = 5;
    bool flag = 6;
    bytes data = 7;
    Color color = 8;
    Inner inner = 9;
    repeated Inner inners = 10;
    map<string, Inner> by_name = 11;
    google.protobuf.Timestamp at = 12;
    google.protobuf.Duration took = 13;
    google.protobuf.Int64Value maybe_count = 14;
    google.protobuf.Struct extra = 15;
    string custom = 16 [json_name = "renamed"];
    oneof choice { string text = 17; int32 number = 18; }
    optional string nickname = 19;
  }`,
  [],
  createTestContext(),
);
const All = root.lookupType('t.All');

/** Request JSON → message → response JSON, as the gRPC trigger does on both ends of a call. */
function roundTrip(json: unknown): unknown {
  const message = All.decode(All.encode(All.fromObject(readJsonMessage(All, json))).finish());
  return JSON.parse(renderJsonMessage(All, message));
}

const DEFAULTS = {
  smallInt: 0,
  bigInt: '0',
  unsignedBig: '0',
  ratio: 0,
  narrow: 0,
  flag: false,
  data: '',
  color: 'COLOR_UNSPECIFIED',
  inner: null,
  inners: [],
  byName: {},
  at: null,
  took: null,
  maybeCount: null,
  extra: null,
  renamed: '',
};

describe('protobuf JSON', () => {
  test.each([
    {
      name: 'an empty message renders every default (oneof and optional stay absent)',
      json: {},
      expected: DEFAULTS,
    },
    {
      name: 'proto names and JSON names are both accepted; unknown fields are ignored',
      json: { small_int: 7, bigInt: 1234567890123, inner: { innerName: 'a' }, unknown: true, renamed: 'r' },
      expected: {
        ...DEFAULTS,
        smallInt: 7,
        bigInt: '1234567890123',
        inner: { innerName: 'a' },
        renamed: 'r',
      },
    },
    {
      name: 'scalars from their JSON forms: strings for 64-bit, floats, bytes, enum names',
      json: {
        big_int: '-12',
        unsigned_big: '18446744073709551615',
        ratio: 'NaN',
        narrow: 0.1,
        flag: true,
        data: 'aGk=',
        color: 'RED',
      },
      expected: {
        ...DEFAULTS,
        bigInt: '-12',
        unsignedBig: '18446744073709551615',
        ratio: 'NaN',
        narrow: 0.1,
        flag: true,
        data: 'aGk=',
        color: 'RED',
      },
    },
    {
      name: 'repeated, map and oneof fields',
      json: { inners: [{ inner_name: 'x' }], by_name: { k: { inner_name: 'y' } }, number: 3, nickname: 'n' },
      expected: {
        ...DEFAULTS,
        inners: [{ innerName: 'x' }],
        byName: { k: { innerName: 'y' } },
        number: 3,
        nickname: 'n',
      },
    },
    {
      name: 'well-known types in their JSON forms',
      json: {
        at: '2024-01-31T13:00:00.25+01:00',
        took: '-1.5s',
        maybe_count: '42',
        extra: { a: [1, 'two', null, { b: true }] },
      },
      expected: {
        ...DEFAULTS,
        at: '2024-01-31T12:00:00.250Z',
        took: '-1.500s',
        maybeCount: '42',
        extra: { a: [1, 'two', null, { b: true }] },
      },
    },
  ])('$name', ({ json, expected }) => {
    expect(roundTrip(json)).toEqual(expected);
  });

  test('the text has a 2-space indent and fields in number order', () => {
    const message = All.decode(
      All.encode(All.fromObject(readJsonMessage(All, { flag: true, small_int: 1 }))).finish(),
    );
    expect(renderJsonMessage(All, message)).toMatch(/^\{\n {2}"smallInt": 1,\n {2}"bigInt": "0",\n/);
  });

  test.each([
    { json: { small_int: 1.5 }, message: 'request field "small_int": expected an integer, got 1.5' },
    {
      json: { color: 'BLUE' },
      message: 'request field "color": expected one of COLOR_UNSPECIFIED, RED, got "BLUE"',
    },
    { json: { inners: { inner_name: 'x' } }, message: 'request field "inners": expected a JSON array' },
    {
      json: { inner: { inner_name: 3 } },
      message: 'request field "inner.inner_name": expected a string, got 3',
    },
    { json: { at: 'yesterday' }, message: 'request field "at": expected an RFC 3339 timestamp' },
    { json: [], message: 'request field "(request)": expected a JSON object for message All' },
  ])('a bad request names the field: $message', ({ json, message }) => {
    expect(() => readJsonMessage(All, json)).toThrow(message);
  });

  test.each([
    ['order_id', 'orderId'],
    ['a_b_c', 'aBC'],
    ['already', 'already'],
    ['with__two', 'withTwo'],
    ['v_1', 'v1'],
  ])('toJsonName(%s) = %s', (protoName, jsonName) => {
    expect(toJsonName(protoName)).toBe(jsonName);
  });
});
