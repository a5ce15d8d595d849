import { describe, expect, it } from 'vitest';
import { isDataException, isolateDataExceptions, sqlState } from './data-exception';

const pgError = (code: string, message = 'bigint out of range') => Object.assign(new Error(message), { code });
const wrapped = (code: string) => Object.assign(new Error('query failed'), { driverError: { code } });

/** Sums a part like the ingest statement would, failing with 22003 when it holds a poisoned item. */
function attemptsWithPoison(poisoned: ReadonlySet<number>) {
  const attempts: number[][] = [];
  const attempt = async (part: readonly number[]) => {
    attempts.push([...part]);
    if (part.some((item) => poisoned.has(item))) throw pgError('22003');
    return part.reduce((sum, item) => sum + item, 0);
  };
  return { attempts, attempt };
}

describe('data exceptions', () => {
  it('reads the SQLSTATE of a pg error and of a TypeORM-wrapped one', () => {
    expect(sqlState(pgError('22003'))).toBe('22003');
    expect(sqlState(wrapped('40P01'))).toBe('40P01');
    expect(sqlState(new Error('plain'))).toBeUndefined();
    expect(isDataException(wrapped('22P02'))).toBe(true);
    expect(isDataException(pgError('40001'))).toBe(false);
    expect(isDataException(new Error('connection terminated'))).toBe(false);
  });

  it('runs the whole batch once when it succeeds', async () => {
    const { attempts, attempt } = attemptsWithPoison(new Set());
    const items = Array.from({ length: 100 }, (_, index) => index);
    expect(await isolateDataExceptions(items, attempt)).toEqual({ results: [4950], refused: [] });
    expect(attempts).toHaveLength(1);
  });

  it('splits a batch Postgres refuses until the bad items are alone, keeping every other item', async () => {
    const { attempts, attempt } = attemptsWithPoison(new Set([37, 38, 90]));
    const items = Array.from({ length: 100 }, (_, index) => index);
    const { results, refused } = await isolateDataExceptions(items, attempt);
    expect(refused.map((entry) => entry.item)).toEqual([37, 38, 90]);
    expect(refused[0]!.error.message).toBe('bigint out of range');
    expect(results.reduce((sum, part) => sum + part, 0)).toBe(4950 - 37 - 38 - 90);
    const counted = attempts.filter((part) => !part.some((item) => [37, 38, 90].includes(item))).flat().sort((a, b) => a - b);
    expect(counted).toEqual(items.filter((item) => ![37, 38, 90].includes(item)));
    console.log(`3 bad items of 100 isolated in ${attempts.length} attempts`);
    expect(attempts.length).toBeLessThan(3 * 2 * Math.ceil(Math.log2(100)) + 1);
  });

  it('lets any other error through, so the batch is retried whole', async () => {
    const attempt = async (part: readonly number[]) => {
      if (part.length > 1) throw pgError('22003');
      throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
    };
    await expect(isolateDataExceptions([1, 2], attempt)).rejects.toThrow('deadlock detected');
  });
});
