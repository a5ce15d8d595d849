import { describe, expect, it } from 'vitest';
import { prefix, useColour } from './log-prefix';

describe('log prefixes', () => {
  it('pads names to one width so lines align', () => {
    expect(prefix('keys', 0, 8, false)).toBe('[keys]     ');
    expect(prefix('metering', 3, 8, false)).toBe('[metering] ');
  });

  it('colours only on a terminal, unless NO_COLOR or FORCE_COLOR says otherwise', () => {
    expect(useColour({ isTTY: true }, {})).toBe(true);
    expect(useColour({ isTTY: false }, {})).toBe(false);
    expect(useColour({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColour({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(prefix('keys', 0, 4, true)).toBe('\u001b[36m[keys]\u001b[0m ');
  });
});
