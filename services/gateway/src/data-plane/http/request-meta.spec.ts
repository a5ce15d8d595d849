import { describe, expect, it } from 'vitest';
import { clientRequestId, hasDuplicateHost, hostOf } from './request-meta';

describe('request metadata', () => {
  it('reads the host without port, lowercased, IPv6 included', () => {
    expect(hostOf('API.Example.com:8080')).toBe('api.example.com');
    expect(hostOf('api.example.com')).toBe('api.example.com');
    expect(hostOf('[::1]:8080')).toBe('::1');
    expect(hostOf(undefined)).toBe('');
  });

  it('spots a second Host field line, whatever its case', () => {
    expect(hasDuplicateHost(['Host', 'a', 'Accept', '*/*'])).toBe(false);
    expect(hasDuplicateHost(['Host', 'a', 'X-Host', 'b', 'hosts', 'c'])).toBe(false);
    expect(hasDuplicateHost(['Host', 'a', 'Accept', '*/*', 'HOST', 'b'])).toBe(true);
    expect(hasDuplicateHost([])).toBe(false);
  });

  it('keeps only short printable client request ids', () => {
    expect(clientRequestId('abc-123:x.y_z')).toBe('abc-123:x.y_z');
    expect(clientRequestId('has space')).toBeNull();
    expect(clientRequestId('x'.repeat(101))).toBeNull();
    expect(clientRequestId(['a', 'b'])).toBeNull();
  });
});
