// `npm run admin -- grant <email> <role>`: gives an account a role (user, moderator or admin), with the
// server's own settings (.env, DATABASE_URL, DATA_DIR). On PostgreSQL it writes to the database
// directly, whether or not servers run. On the embedded database it asks the running server over its
// admin socket (admin-channel.ts) and opens the database itself only when no server runs.
import { buildApp } from '../app.js';
import { ConfigError, loadConfig } from '../platform/config.js';
import { ROLES, type Role } from '../users/roles.js';
import { askRunningServer, type ChannelAnswer } from './admin-channel.js';

const USAGE = `usage: npm run admin -- grant <email> <${ROLES.join('|')}>`;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

try {
  process.loadEnvFile();
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}

const [command, email, role] = process.argv.slice(2);
if (command !== 'grant' || !email || !ROLES.includes(role as Role)) fail(USAGE);

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(`Configuration error: ${error.message}`);
  throw error;
}

const request = { command: 'grant' as const, email, role: role as Role };
let answer: ChannelAnswer | undefined;
if (config.database.kind === 'pglite' && config.database.dataDir !== undefined) {
  answer = await askRunningServer(config.dataDir, request);
  if (answer) console.log('asked the running server');
}
if (!answer) {
  const app = await buildApp({ config: { ...config, logLevel: 'error' }, runJobs: false });
  try {
    await app.ready();
    const user = await app.moderationService.grant(request.email, request.role);
    answer = { ok: true, user: { id: user.id, username: user.username, role: user.role } };
  } catch (error) {
    answer = { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await app.close();
  }
}
if (!answer.ok) fail(answer.error);
console.log(`${answer.user.username} (id ${answer.user.id}) is now ${answer.user.role}`);
