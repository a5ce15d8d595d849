import { AdminClient, ServiceError, tokenRequest } from '../../demo/admin-client';
import { isValidAdminToken } from '../../demo/dev-secrets';
import { CLI_CLIENT_ID, type CliContext, memberSession, UsageError } from './cli-context';
import { type Command, emit, jsonOption, optional, required } from './command';
import { readPassword } from './password-prompt';

async function adminTokenFor(context: CliContext, flag: string | undefined): Promise<{ token: string; source: string }> {
  if (flag) return { token: flag, source: '--admin-token' };
  for (const variable of ['GATEHOUSE_ADMIN_TOKEN', 'ADMIN_BOOTSTRAP_TOKEN']) {
    const value = context.env[variable];
    if (value) return { token: value, source: variable };
  }
  const saved = (await context.devSecrets()).adminToken;
  if (saved) return { token: saved, source: context.devSecretsPath()! };
  throw new UsageError('no admin token: give --admin-token, set GATEHOUSE_ADMIN_TOKEN, or run `npm start` (it keeps one in .gatehouse/secrets.json); members log in with --email');
}

async function loginAsAdmin(context: CliContext, flag: string | undefined): Promise<void> {
  const { token, source } = await adminTokenFor(context, flag);
  if (!isValidAdminToken(token)) throw new UsageError(`the admin token from ${source} is not a bootstrap token (16+ characters of A-Z a-z 0-9 - . _ ~ + /)`);
  try {
    await new AdminClient(context.urls.identity, () => token).get('/admin/tenants');
  } catch (error) {
    if (error instanceof ServiceError && error.status === 401) throw new UsageError(`identity at ${context.urls.identity} refused the admin token from ${source}`);
    throw error;
  }
  await context.store.saveSession({ kind: 'admin-token', token });
  context.io.info(`Logged in to ${context.urls.identity} as platform admin (token from ${source}); session in ${context.store.sessionPath}`);
}

async function loginAsMember(context: CliContext, email: string, passwordFromStdin: boolean): Promise<void> {
  const password = context.env.GATEHOUSE_PASSWORD || (await readPassword(`Password for ${email}: `, passwordFromStdin));
  if (!password) throw new UsageError('no password given');
  try {
    const answer = await tokenRequest(context.urls.identity, { grant_type: 'password', client_id: CLI_CLIENT_ID, username: email, password });
    await context.store.saveSession(memberSession(email, answer));
  } catch (error) {
    if (error instanceof ServiceError && error.code === 'invalid_grant') throw new UsageError('the e-mail or password is wrong');
    throw error;
  }
  context.io.info(`Logged in to ${context.urls.identity} as ${email}; session in ${context.store.sessionPath}`);
}

export const setupCommands: Command[] = [
  {
    name: 'login',
    summary: 'Sign in: as platform admin with the bootstrap token, or as a member with e-mail and password',
    usage: '[--admin-token TOKEN] | --email EMAIL [--password-stdin]',
    options: { 'admin-token': { type: 'string' }, email: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false } },
    async run(context, values) {
      const email = optional(values, 'email');
      if (email && values['admin-token']) throw new UsageError('give either --email or --admin-token');
      if (email) await loginAsMember(context, email, values['password-stdin'] === true);
      else await loginAsAdmin(context, optional(values, 'admin-token'));
    },
  },
  {
    name: 'logout',
    summary: 'Forget the session',
    usage: '',
    options: {},
    async run(context) {
      await context.store.forget();
      context.io.info('Logged out');
    },
  },
  {
    name: 'tenant create',
    summary: 'Create a tenant (platform admin)',
    usage: '--id ID [--name NAME]',
    prints: 'the tenant id',
    options: { id: { type: 'string' }, name: { type: 'string' }, ...jsonOption },
    async run(context, values) {
      const id = required(values, 'id');
      const tenant = await context.admin().createTenant(id, optional(values, 'name') ?? id);
      context.io.info(`Tenant ${tenant.id} (${tenant.name}) created`);
      emit(context, values, tenant.id, tenant);
    },
  },
  {
    name: 'team create',
    summary: 'Create a team in a tenant',
    usage: '--tenant TENANT --name NAME',
    prints: 'the team id',
    options: { tenant: { type: 'string' }, name: { type: 'string' }, ...jsonOption },
    async run(context, values) {
      const team = await context.admin().createTeam(required(values, 'tenant'), required(values, 'name'));
      context.io.info(`Team ${team.name} created in tenant ${team.tenantId}: ${team.id}`);
      emit(context, values, team.id, team);
    },
  },
  {
    name: 'app create',
    summary: 'Create an application (an OAuth client) of a team, with a client secret the CLI keeps for `gatehouse token`',
    usage: '--tenant TENANT --team TEAM_ID --name NAME',
    prints: 'the application id (its client_id); with --json also the client secret',
    options: { tenant: { type: 'string' }, team: { type: 'string' }, name: { type: 'string' }, ...jsonOption },
    async run(context, values) {
      const admin = context.admin();
      const tenant = required(values, 'tenant');
      const application = await admin.createApplication(tenant, required(values, 'team'), required(values, 'name'));
      const secret = await admin.createSecret(tenant, application.id);
      await context.store.saveClientSecret(application.id, secret.clientSecret);
      context.io.info(`Application ${application.name} created: client_id ${application.id}; its client secret (shown once by identity) is kept in ${context.store.clientsPath}`);
      emit(context, values, application.id, { ...application, clientId: application.id, clientSecret: secret.clientSecret });
    },
  },
];
