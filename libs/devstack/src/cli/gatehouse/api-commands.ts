import { httpVersionBody, readOpenApiFile } from '../../demo/openapi-source';
import type { GatehouseAdmin, Plan, Version } from '../../demo/gatehouse-admin';
import { type CliContext, UsageError } from './cli-context';
import { type Command, emit, jsonOption, optional, required } from './command';
import { describeLimits, parseQuota, parseRate, type Quota } from './plan-spec';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function upstreamUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--upstream ${text}: not a URL (e.g. http://127.0.0.1:9000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--upstream ${text}: only http and https upstreams`);
  return text.replace(/\/+$/, '');
}

const pathSlug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'api';

function routeList(version: Version): string {
  return version.routes.map((route) => `    ${route.methods.join(',').padEnd(12)} ${route.path}`).join('\n');
}

/** The version to act on: the one named, else the API's only draft. */
async function draftVersion(admin: GatehouseAdmin, apiId: string, label: string | undefined): Promise<Version> {
  const versions = await admin.versions(apiId);
  if (label) {
    const found = versions.find((version) => version.version === label);
    if (!found) throw new UsageError(`API ${apiId} has no version ${label} (it has: ${versions.map((version) => version.version).join(', ') || 'none'})`);
    return found;
  }
  const drafts = versions.filter((version) => version.state === 'draft');
  if (drafts.length === 1) return drafts[0]!;
  throw new UsageError(drafts.length === 0 ? `API ${apiId} has no draft version to publish` : `API ${apiId} has several drafts (${drafts.map((version) => version.version).join(', ')}): give --version`);
}

/** A plan given by id or by name. */
async function planOf(admin: GatehouseAdmin, apiId: string, plan: string): Promise<Plan> {
  const plans = await admin.plans(apiId);
  const found = plans.find((candidate) => candidate.id === plan || (!UUID.test(plan) && candidate.name === plan));
  if (!found) throw new UsageError(`API ${apiId} has no plan ${plan} (plans: ${plans.map((candidate) => candidate.name).join(', ') || 'none; create one with `gatehouse plan create`'})`);
  return found;
}

async function createApi(context: CliContext, values: Record<string, string | boolean | undefined>): Promise<void> {
  const admin = context.admin();
  const source = await readOpenApiFile(required(values, 'openapi'));
  const upstream = upstreamUrl(required(values, 'upstream'));
  const name = optional(values, 'name') ?? source.title;
  if (!name) throw new UsageError('the document has no info.title: give --name');
  const slug = optional(values, 'slug');
  const basePath = optional(values, 'base-path') ?? source.serverPath ?? `/${slug ?? pathSlug(name)}`;
  const visibility = (optional(values, 'visibility') ?? 'tenant') as 'team' | 'tenant' | 'public';
  if (!['team', 'tenant', 'public'].includes(visibility)) throw new UsageError('--visibility is team, tenant or public');
  const api = await admin.createApi({ teamId: required(values, 'team'), name, ...(slug ? { slug } : {}), visibility, autoApprove: values['auto-approve'] === true });
  let version: Version;
  try {
    version = await admin.createVersion(api.id, httpVersionBody({ version: optional(values, 'version') ?? 'v1', basePath, upstream, openapi: source.text }));
  } catch (error) {
    // Without a version the API would only be in the way of a second attempt under the same slug.
    await admin.catalog.request('DELETE', `/apis/${encodeURIComponent(api.id)}`).catch(() => undefined);
    throw error;
  }
  context.io.info(`API ${api.name} (${api.slug}) created, draft ${version.version}, audience ${api.audience}, in front of ${upstream}:\n${routeList(version)}`);
  emit(context, values, api.id, { ...api, version });
}

export const apiCommands: Command[] = [
  {
    name: 'api create',
    summary: 'Create an API from an OpenAPI file (3.0/3.1, YAML or JSON), with a draft version in front of an upstream',
    usage: '--team TEAM_ID --openapi FILE --upstream URL [--name NAME] [--slug SLUG] [--base-path /PATH] [--version v1] [--visibility team|tenant|public] [--auto-approve]',
    prints: 'the API id',
    options: {
      team: { type: 'string' },
      openapi: { type: 'string' },
      upstream: { type: 'string' },
      name: { type: 'string' },
      slug: { type: 'string' },
      'base-path': { type: 'string' },
      version: { type: 'string' },
      visibility: { type: 'string' },
      'auto-approve': { type: 'boolean', default: false },
      ...jsonOption,
    },
    run: (context, values) => createApi(context, values),
  },
  {
    name: 'api publish',
    summary: 'Publish a draft version: the gateway starts routing it',
    usage: '--api API_ID [--version VERSION]',
    prints: 'the version published',
    options: { api: { type: 'string' }, version: { type: 'string' }, ...jsonOption },
    async run(context, values) {
      const admin = context.admin();
      const apiId = required(values, 'api');
      const version = await draftVersion(admin, apiId, optional(values, 'version'));
      const answer = await admin.publish(apiId, version.version);
      context.io.info(`Version ${version.version} of API ${apiId} published:\n${routeList(version)}`);
      emit(context, values, version.version, answer);
    },
  },
  {
    name: 'plan create',
    summary: 'Create a plan of an API: a rate limit and quotas',
    usage: '--api API_ID --name NAME [--rate N/second|N/minute] [--quota N/day|N/month] [--token-quota N/day|N/month]',
    prints: 'the plan id',
    options: { api: { type: 'string' }, name: { type: 'string' }, rate: { type: 'string' }, quota: { type: 'string' }, 'token-quota': { type: 'string' }, ...jsonOption },
    async run(context, values) {
      const rate = optional(values, 'rate');
      const rateLimit = rate ? parseRate(rate) : null;
      const quotas: Quota[] = [];
      const quota = optional(values, 'quota');
      const tokenQuota = optional(values, 'token-quota');
      if (quota) quotas.push(parseQuota(quota, 'requests'));
      if (tokenQuota) quotas.push(parseQuota(tokenQuota, 'tokens', '--token-quota'));
      const limits = describeLimits(rateLimit, quotas);
      const plan = await context.admin().createPlan(required(values, 'api'), { name: required(values, 'name'), description: limits, rateLimit, quotas });
      context.io.info(`Plan ${plan.name} created: ${limits}`);
      emit(context, values, plan.id, plan);
    },
  },
  {
    name: 'subscribe',
    summary: 'Subscribe an application to an API under a plan (pending until approved, unless the API auto-approves)',
    usage: '--app APP_ID --api API_ID --plan PLAN_ID_OR_NAME',
    prints: 'the subscription id',
    options: { app: { type: 'string' }, api: { type: 'string' }, plan: { type: 'string' }, ...jsonOption },
    async run(context, values) {
      const admin = context.admin();
      const apiId = required(values, 'api');
      const plan = await planOf(admin, apiId, required(values, 'plan'));
      const subscription = await admin.subscribe(apiId, required(values, 'app'), plan.id);
      context.io.info(`Subscription ${subscription.id}: ${subscription.status}${subscription.status === 'pending' ? ' (the API owner approves it: gatehouse approve ' + subscription.id + ')' : ''}`);
      emit(context, values, subscription.id, subscription);
    },
  },
  {
    name: 'approve',
    summary: 'Approve a subscription and wait until it is in force (identity issues tokens for it, the gateway routes it)',
    usage: '<subscription-id> [--no-wait]',
    positionals: ['subscription-id'],
    options: { 'no-wait': { type: 'boolean', default: false }, ...jsonOption },
    async run(context, values, positionals) {
      const id = positionals[0];
      if (!id || positionals.length > 1) throw new UsageError('give one subscription id');
      const admin = context.admin();
      const current = await admin.getSubscription(id);
      const subscription = current.status === 'approved' ? current : await admin.approve(id);
      const started = Date.now();
      if (!values['no-wait']) await admin.waitUntilInForce(subscription);
      context.io.info(values['no-wait'] ? `Subscription ${id} approved` : `Subscription ${id} approved and in force (identity and gateway caught up in ${Date.now() - started} ms)`);
      if (values.json) emit(context, values, '', subscription);
    },
  },
];
