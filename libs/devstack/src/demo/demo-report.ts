/** One call the demo prepared: a ready-to-paste curl and what the demo saw when it tried it. */
export interface DemoCall {
  readonly title: string;
  readonly curl: string;
  readonly checked: { readonly status: number; readonly note: string };
}

/** Everything `npm start` prints about the demo. */
export interface DemoSummary {
  readonly tenantId: string;
  readonly applicationId: string;
  readonly echo: { readonly url: string; readonly apiId: string; readonly plan: string };
  readonly fakeModel: { readonly baseUrl: string } | null;
  readonly ai: { readonly apiId: string; readonly plan: string; readonly model: string } | null;
  readonly calls: readonly DemoCall[];
  readonly problems: readonly string[];
  readonly secretsFile: string;
  readonly adminTokenSource: 'env' | 'file' | 'generated';
  readonly urlExports: readonly string[];
}

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** A curl command line with a bearer token, a method, an optional JSON body. */
export function curlCommand(url: string, token: string, body?: unknown): string {
  const parts = ['curl -sS', `-H ${quote(`Authorization: Bearer ${token}`)}`];
  if (body !== undefined) parts.push(`-H 'content-type: application/json'`, `-d ${quote(JSON.stringify(body))}`);
  parts.push(quote(url));
  return parts.join(' ');
}

/** The `error` and `message` of a gateway answer, or the `code` and `message` of an OpenAI-shaped one. */
function errorOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    const source = typeof parsed.error === 'object' && parsed.error !== null ? (parsed.error as { code?: unknown; message?: unknown }) : parsed;
    const code = 'code' in source ? source.code : parsed.error;
    return [code, source.message].filter((part) => typeof part === 'string').join(': ');
  } catch {
    return body.slice(0, 200);
  }
}

/** What a probe of the gateway showed, in a few words. */
export function describeAnswer(status: number, body: string): string {
  if (status >= 200 && status < 300) return `${status} OK`;
  const error = errorOf(body);
  const hint = status === 501 ? ' (the gateway has not received the AI provider and model of the demo tenant yet; the route, token and subscription are in place: run the curl again in a moment)' : '';
  return `${status}${error ? ` ${error}` : ''}${hint}`;
}

/** The lines printed once the platform and the demo are up. */
export function demoReport(summary: DemoSummary): string[] {
  const lines = ['', `Demo (tenant ${summary.tenantId}):`];
  lines.push(`  echo upstream  ${summary.echo.url}  (run by npm start; answers with the request it received)`);
  if (summary.fakeModel) lines.push(`  fake model     ${summary.fakeModel.baseUrl}  (OpenAI-compatible, run by npm start)`);
  lines.push(`  application    ${summary.applicationId}  (client secret in ${summary.secretsFile})`);
  lines.push(`  Echo API       ${summary.echo.apiId}  plan ${summary.echo.plan}`);
  if (summary.ai) lines.push(`  Demo AI API    ${summary.ai.apiId}  plan ${summary.ai.plan}, model ${summary.ai.model}`);
  for (const problem of summary.problems) lines.push(`  ! ${problem}`);
  for (const call of summary.calls) {
    lines.push('', `${call.title} (checked: ${call.checked.note}):`, `  ${call.curl}`);
  }
  lines.push('', 'Tokens live 5 minutes. Another one, and the rest of the admin CLI (see the README quickstart):');
  for (const line of summary.urlExports) lines.push(`  ${line}`);
  const adminToken = summary.adminTokenSource === 'env' ? 'ADMIN_BOOTSTRAP_TOKEN from your environment' : `ADMIN_BOOTSTRAP_TOKEN, kept in ${summary.secretsFile}`;
  lines.push(`  npx gatehouse login        # as platform admin (${adminToken})`);
  lines.push(`  npx gatehouse token --app ${summary.applicationId} --api ${summary.echo.apiId}`);
  return lines;
}
