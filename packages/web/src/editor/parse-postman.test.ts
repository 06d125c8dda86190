import { describe, expect, it } from 'vitest';
import { parsePostmanCollection } from './parse-postman';

const COLLECTION = {
  info: { name: 'Shop', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
  auth: { type: 'bearer', bearer: [{ key: 'token', value: 'abc', type: 'string' }] },
  item: [
    {
      name: 'Orders',
      item: [
        {
          name: 'Create order',
          request: {
            method: 'POST',
            header: [
              { key: 'Content-Type', value: 'application/json' },
              { key: 'X-Off', value: '1', disabled: true },
            ],
            body: { mode: 'raw', raw: '{"qty":2}' },
            url: { raw: '{{baseUrl}}/orders', host: ['{{baseUrl}}'], path: ['orders'] },
          },
        },
      ],
    },
    {
      name: 'Health',
      request: {
        method: 'get',
        auth: {
          type: 'basic',
          basic: [
            { key: 'username', value: 'u' },
            { key: 'password', value: 'p' },
          ],
        },
        url: { protocol: 'http', host: ['api', 'local'], path: ['health'] },
      },
    },
    {
      name: 'Form',
      request: {
        method: 'POST',
        url: 'http://h/f',
        body: { mode: 'urlencoded', urlencoded: [{ key: 'a b', value: '1' }] },
      },
    },
  ],
};

describe('parsePostmanCollection', () => {
  it('flattens folders and reads method, URL, headers, body and auth', () => {
    const parsed = parsePostmanCollection(JSON.stringify(COLLECTION));
    expect(parsed).toEqual({
      ok: true,
      name: 'Shop',
      requests: [
        {
          name: 'Orders / Create order',
          method: 'POST',
          url: '{{baseUrl}}/orders',
          headers: [{ key: 'Content-Type', value: 'application/json' }],
          body: '{"qty":2}',
          auth: { type: 'bearer', token: 'Bearer abc' },
        },
        {
          name: 'Health',
          method: 'GET',
          url: 'http://api.local/health',
          headers: [],
          body: '',
          auth: { type: 'basic', username: 'u', password: 'p' },
        },
        {
          name: 'Form',
          method: 'POST',
          url: 'http://h/f',
          headers: [],
          body: 'a%20b=1',
          auth: { type: 'bearer', token: 'Bearer abc' },
        },
      ],
    });
  });

  it.each([
    { text: '{', error: /is not JSON/ },
    { text: '{"a":1}', error: /not a Postman collection/ },
    { text: '{"info":{},"item":[]}', error: /holds no request/ },
  ])('rejects $text', ({ text, error }) => {
    const parsed = parsePostmanCollection(text);
    expect(!parsed.ok && parsed.error).toMatch(error);
  });
});
