import { expect, test } from 'vitest';
import { appendGoQuery } from './apply-http-auth';

test.each([
  { query: '', key: 'k', value: 'v', encoded: 'k=v' },
  { query: 'x=1', key: 'k', value: 'v', encoded: 'k=v&x=1' },
  { query: 'b=2&a=1&b=1', key: 'k', value: 'v', encoded: 'a=1&b=2&b=1&k=v' },
  { query: 'q=a+b&r=%2f', key: 'api key', value: 'a/b c&d', encoded: 'api+key=a%2Fb+c%26d&q=a+b&r=%2F' },
  { query: 'bad=%zz&semi=1;2&flag', key: 'k', value: "!'()*~", encoded: 'flag=&k=%21%27%28%29%2A~' },
  { query: 'k=old', key: 'k', value: 'new', encoded: 'k=old&k=new' },
])('appendGoQuery($query, $key=$value) = $encoded', ({ query, key, value, encoded }) => {
  expect(appendGoQuery(query, key, value)).toBe(encoded);
});
