import { describe, expect, it } from 'vitest';
import type { UsageRow } from '../../demo/gatehouse-admin';
import { usageTable } from './call-commands';

const row = (applicationId: string | null, requests: number, rejections: number, tokens = 0): UsageRow => ({
  bucket: '2026-01-01T00:00:00.000Z',
  applicationId,
  requests,
  errors: 0,
  rejections,
  latencyAvgMs: 2,
  promptTokens: tokens,
  completionTokens: 0,
  costMicros: tokens * 10,
});

describe('the usage table', () => {
  it('sums the windows of each application and names calls without one', () => {
    const table = usageTable([row('app-1', 2, 0, 5), row(null, 1, 1), row('app-1', 3, 1, 5)], 'applicationId').split('\n');
    expect(table[0]).toMatch(/^application\s+requests\s+errors\s+rejected\s+tokens\s+cost$/);
    expect(table[1]).toMatch(/^app-1\s+5\s+0\s+1\s+10\s+0\.000100$/);
    expect(table[2]).toMatch(/^\(anonymous\)\s+1\s+0\s+1\s+0\s+0\.000000$/);
  });
});
