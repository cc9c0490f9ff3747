import { describe, expect, it } from 'vitest';
import { parseRef } from './graph.js';

describe('parseRef', () => {
  it('splits an output index and keeps odd characters in the node name', () => {
    expect(parseRef('a.b:2')).toEqual({ node: 'a.b', index: 2 });
    expect(parseRef('a.b')).toEqual({ node: 'a.b', index: 0 });
    expect(parseRef('a\nb')).toEqual({ node: 'a\nb', index: 0 });
  });
});
