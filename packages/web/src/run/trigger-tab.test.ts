import { describe, expect, it } from 'vitest';
import { prettyBody } from './trigger-tab';

describe('prettyBody', () => {
  it.each([
    { body: '{"a":1,"b":[true]}', text: '{\n  "a": 1,\n  "b": [\n    true\n  ]\n}', json: true },
    { body: ' [1] ', text: '[\n  1\n]', json: true },
    { body: '{not json', text: '{not json', json: false },
    { body: '<html></html>', text: '<html></html>', json: false },
    { body: '', text: '', json: false },
  ])('shows $body', ({ body, text, json }) => {
    expect(prettyBody(body)).toEqual({ text, json });
  });
});
