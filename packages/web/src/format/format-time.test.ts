import { describe, expect, it } from 'vitest';
import { formatOffset, formatTimeAgo } from './format-time';

const NOW = Date.parse('2025-03-10T12:00:00Z');

describe('formatTimeAgo', () => {
  it.each([
    { iso: '2025-03-10T11:59:30Z', text: 'just now' },
    { iso: '2025-03-10T11:59:00Z', text: '1 minute ago' },
    { iso: '2025-03-10T11:15:00Z', text: '45 minutes ago' },
    { iso: '2025-03-10T09:00:00Z', text: '3 hours ago' },
    { iso: '2025-03-09T12:00:00Z', text: '1 day ago' },
    { iso: '2025-01-01T08:00:00Z', text: '2025-01-01' },
    { iso: 'yesterday', text: 'yesterday' },
  ])('says $iso was $text', ({ iso, text }) => {
    expect(formatTimeAgo(iso, NOW)).toBe(text);
  });
});

describe('formatOffset', () => {
  it.each([
    { at: '2025-03-10T12:00:01.5Z', text: '+1.500s' },
    { at: '2025-03-10T12:00:00Z', text: '+0.000s' },
    { at: '2025-03-10T11:59:59Z', text: '-1.000s' },
    { at: 'garbage', text: '' },
  ])('puts $at at $text', ({ at, text }) => {
    expect(formatOffset('2025-03-10T12:00:00Z', at)).toBe(text);
  });
});
