import { describe, expect, it } from 'vitest';
import { parseSelector } from './parse-selector';
import { printSelector } from './print-selector';

describe('printSelector', () => {
  it.each([
    ['', ''],
    ['  span[ name = "a" ]  ', 'span[name="a"]'],
    ['span[a="1",b="2"]span[]', 'span[a="1" b="2"] span[]'],
    ['span[a]>span[b]', 'span[a] > span[b]'],
    [',span[a] ,span[b]', 'span[a], span[b]'],
    ['span[a  contains "x"]', 'span[a contains "x"]'],
    ['span[a,contains]', 'span[a, contains]'],
    ['span[x >= -1.50]', 'span[x>=-1.50]'],
    ['span[d < 1.5ms]', 'span[d<1.5ms]'],
    ['span[n = 0x1F]', 'span[n=0x1F]'],
    ['span[s="\\x41\\u00e9\\t"]', 'span[s="Aé\\t"]'],
    ['span[s="\\x00\\x7f\\u0085\\u2028"]', 'span[s="\\x00\\x7f\\u0085\\u2028"]'],
    ['span[a = true]', 'span[a=true]'],
    ['span[a] : first : nth_child( 2 )', 'span[a]:first:nth_child(2)'],
    ['span[]:has( > span[a] span[b] , span[c])', 'span[]:has(> span[a] span[b], span[c])'],
    ['span[]:not( span[a] ,span[b]:has(span[c]) )', 'span[]:not(span[a], span[b]:has(span[c]))'],
    ['span[a] // comment\n  span[b] /* more */', 'span[a] span[b]'],
  ])('prints %j as %j', (text, printed) => {
    expect(printSelector(parseSelector(text))).toBe(printed);
  });
});
