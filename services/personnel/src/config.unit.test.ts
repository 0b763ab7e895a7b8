import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config';

describe('the personnel configuration', () => {
  it('pins the token algorithms it is given', () => {
    expect(loadConfig({}).AUTH_ALGORITHMS).toEqual(['ES256']);
    expect(loadConfig({ AUTH_ALGORITHMS: 'RS256, ES256' }).AUTH_ALGORITHMS).toEqual(['RS256', 'ES256']);
  });

  it('refuses algorithms that would let unsigned or symmetric tokens in, naming the key', () => {
    for (const bad of ['none', 'HS256', 'RS256,none', '']) {
      expect(() => loadConfig({ AUTH_ALGORITHMS: bad })).toThrow('AUTH_ALGORITHMS');
    }
  });
});
