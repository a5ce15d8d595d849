import { AppError } from '@gatehouse/platform';
import { versionStates } from '@gatehouse/contracts';
import { describe, expect, it } from 'vitest';
import { allowedTransitions, assertTransition } from './lifecycle';

describe('version lifecycle', () => {
  it('allows exactly draft → published → deprecated → retired', () => {
    const allowed = versionStates.flatMap((from) => versionStates.filter((to) => allowedTransitions(from).includes(to)).map((to) => `${from}→${to}`));
    expect(allowed).toEqual(['draft→published', 'published→deprecated', 'deprecated→retired']);
  });

  it('refuses every other move with 409 listing the allowed ones', () => {
    for (const from of versionStates) {
      for (const to of versionStates) {
        if (allowedTransitions(from).includes(to)) {
          expect(() => assertTransition('v1', from, to)).not.toThrow();
          continue;
        }
        try {
          assertTransition('v1', from, to);
          throw new Error(`${from} → ${to} was allowed`);
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
          expect(error).toMatchObject({ status: 409, code: 'invalid_transition', details: { from, to, allowed: [...allowedTransitions(from)] } });
        }
      }
    }
    expect(() => assertTransition('v1', 'draft', 'retired')).toThrow('version v1 is draft and cannot move to retired; it can only move to published');
    expect(() => assertTransition('v1', 'retired', 'published')).toThrow('retired is final');
  });
});
