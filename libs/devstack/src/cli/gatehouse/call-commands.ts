import { clientCredentialsToken, ServiceError } from '../../demo/admin-client';
import type { UsageRow } from '../../demo/gatehouse-admin';
import { retryWhile, waitUntil } from '../../demo/wait';
import { type CliContext, UsageError } from './cli-context';
import { type Command, optional, required } from './command';

async function clientSecretOf(context: CliContext, clientId: string): Promise<string> {
  const secret = context.env.GATEHOUSE_CLIENT_SECRET || (await context.store.clientSecret(clientId)) || (await context.devSecrets()).clients?.[clientId];
  if (!secret) {
    throw new UsageError(`no client secret for ${clientId}: the CLI keeps the ones of applications it created (${context.store.clientsPath}); else set GATEHOUSE_CLIENT_SECRET`);
  }
  return secret;
}

/** A table of usage rows, one per application or API. */
export function usageTable(rows: readonly UsageRow[], by: 'applicationId' | 'apiId'): string {
  const totals = new Map<string, UsageRow>();
  for (const row of rows) {
    const key = row[by] || (by === 'applicationId' ? '(anonymous)' : '(no API)');
    const sum = totals.get(key);
    totals.set(key, sum ? { ...sum, requests: sum.requests + row.requests, errors: sum.errors + row.errors, rejections: sum.rejections + row.rejections, promptTokens: sum.promptTokens + row.promptTokens, completionTokens: sum.completionTokens + row.completionTokens, costMicros: sum.costMicros + row.costMicros, latencyAvgMs: row.latencyAvgMs } : row);
  }
  const header = [by === 'applicationId' ? 'application' : 'api', 'requests', 'errors', 'rejected', 'tokens', 'cost'];
  const lines = [...totals.entries()].map(([key, row]) => [key, String(row.requests), String(row.errors), String(row.rejections), String(row.promptTokens + row.completionTokens), (row.costMicros / 1e6).toFixed(6)]);
  const widths = header.map((title, index) => Math.max(title.length, ...lines.map((line) => line[index]!.length)));
  const format = (cells: string[]) => cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!))).join('  ');
  return [format(header), ...lines.map(format)].join('\n');
}

export const callCommands: Command[] = [
  {
    name: 'token',
    summary: "Get an access token for an application (client_credentials) to call one API; the API's audience is the resource",
    usage: '--app APP_ID (--api API_ID | --resource AUDIENCE)',
    prints: 'the access token',
    options: { app: { type: 'string' }, api: { type: 'string' }, resource: { type: 'string' } },
    async run(context, values) {
      const clientId = required(values, 'app');
      const apiId = optional(values, 'api');
      const resource = optional(values, 'resource') ?? (apiId ? (await context.admin().getApi(apiId)).audience : undefined);
      if (!resource) throw new UsageError('give --api (or --resource with the API audience)');
      const secret = await clientSecretOf(context, clientId);
      // invalid_target while identity has not yet read an approval from Kafka.
      const answer = await retryWhile(
        () => clientCredentialsToken(context.urls.identity, { id: clientId, secret }, resource),
        (error) => error instanceof ServiceError && error.code === 'invalid_target',
        10_000,
      );
      context.io.info(`Access token for ${resource}, valid ${answer.expires_in} s`);
      context.io.out(answer.access_token);
    },
  },
  {
    name: 'usage',
    summary: "Today's usage of an API (by application) or of an application (by API), as metering counted it",
    usage: '(--api API_ID | --app APP_ID) [--wait N]',
    prints: 'a table; with --json the rows',
    options: { api: { type: 'string' }, app: { type: 'string' }, wait: { type: 'string' }, json: { type: 'boolean', default: false } },
    async run(context, values) {
      const apiId = optional(values, 'api');
      const applicationId = optional(values, 'app');
      if (!apiId === !applicationId) throw new UsageError('give --api or --app');
      const wait = optional(values, 'wait');
      const atLeast = wait === undefined ? 0 : Number(wait);
      if (!Number.isSafeInteger(atLeast) || atLeast < 0) throw new UsageError(`--wait ${wait}: the number of requests to wait for`);
      const by = apiId ? 'applicationId' : 'apiId';
      const query = { from: new Date().toISOString().slice(0, 10), granularity: 'day', groupBy: apiId ? 'application' : 'api', ...(apiId ? { apiId } : { applicationId }) };
      const admin = context.admin();
      const rows = await waitUntil(
        async () => {
          const found = await admin.usage(query);
          return found.reduce((sum, row) => sum + row.requests, 0) >= atLeast ? found : undefined;
        },
        `metering counting ${atLeast} requests`,
      );
      context.io.out(values.json ? JSON.stringify(rows, null, 2) : rows.length === 0 ? 'no usage today' : usageTable(rows, by));
    },
  },
];
