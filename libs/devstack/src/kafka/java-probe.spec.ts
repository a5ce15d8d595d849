import { describe, expect, it } from 'vitest';
import { parseJavaMajor } from './java-probe';

describe('parseJavaMajor', () => {
  it('reads modern and legacy version strings', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment')).toBe(17);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaMajor('openjdk version "25-ea" 2025-09-16')).toBe(25);
  });

  it('gives undefined for output that is not a version', () => {
    expect(parseJavaMajor('command not found')).toBeUndefined();
  });
});
