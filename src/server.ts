import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { openAdminChannel } from './moderation/admin-channel.js';
import { ConfigError, loadConfig } from './platform/config.js';

// A .env file is a convenience for development; real deployments set the environment.
try {
  process.loadEnvFile();
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Configuration error: ${error.message}`);
  process.exit(1);
}

const app = await buildApp({ config });

// On SIGTERM or SIGINT: stop accepting, let requests in flight finish, close the pool; give up after 10 s.
closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'stopping after an unexpected error');
  else app.log.info({ signal }, 'shutting down');
  await app.close();
});

// The embedded database has one owner, this process: `npm run admin` asks it over a socket in DATA_DIR.
if (config.database.kind === 'pglite' && config.database.dataDir !== undefined) {
  const closeChannel = await openAdminChannel(config.dataDir, app.moderationService, app.log);
  app.addHook('onClose', closeChannel);
}

await app.listen({ host: config.host, port: config.port });
