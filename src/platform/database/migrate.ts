// `npm run migrate`: applies pending migrations to the configured database and exits.
import { loadConfig } from '../config.js';
import { openDatabase } from './database.js';

const config = loadConfig();
const connection = await openDatabase(
  { ...config.database, migrateOnStart: true },
  {
    info: (message) => console.log(message),
    error: (payload, message) => console.error(message, payload),
    warn: (payload, message) => console.warn(message, payload),
  },
);
await connection.close();
