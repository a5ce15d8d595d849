import { describe, expect, it } from 'vitest';
import { describeExit } from './service-process';

describe('describeExit', () => {
  it('names exit codes, and signals whether reported directly or as 128 + number', () => {
    expect(describeExit({ code: 1, signal: null })).toBe('exit code 1');
    expect(describeExit({ code: null, signal: 'SIGTERM' })).toBe('signal SIGTERM');
    expect(describeExit({ code: 137, signal: null })).toBe('signal SIGKILL');
    expect(describeExit({ code: 143, signal: null })).toBe('signal SIGTERM');
  });
});
