import { describe, expect, it } from 'vitest';
import { copyValue } from './copy-from';

describe('COPY text values', () => {
  it('writes null, booleans and numbers as Postgres reads them', () => {
    expect(copyValue(null)).toBe('\\N');
    expect(copyValue(undefined)).toBe('\\N');
    expect(copyValue(true)).toBe('t');
    expect(copyValue(false)).toBe('f');
    expect(copyValue(12.5)).toBe('12.5');
    expect(copyValue(0)).toBe('0');
  });

  it('escapes the characters that separate columns and rows, and backslashes', () => {
    expect(copyValue('plain-id')).toBe('plain-id');
    expect(copyValue('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyValue('\\N')).toBe('\\\\N');
  });
});
