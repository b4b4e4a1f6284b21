import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';
import type { Config } from '../../src/platform/config.js';
import { projectPath } from '../../src/platform/paths.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated in-memory database dumped to a file, when the tests run on PGlite. */
    pgliteTemplate: string | undefined;
  }
}

const migrationsFolder = projectPath('drizzle');

/**
 * Vitest's global setup: without TEST_DATABASE_URL, migrates one in-memory PGlite and dumps it, so that
 * each test app starts from the dump (about a second) rather than from an empty database that is
 * initialised and migrated (about four). The dump is kept under node_modules/.cache, named by a hash
 * of the migrations and PGlite's version, so a run with neither changed skips even that one.
 */
export default async function setup(project: TestProject): Promise<void> {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('pgliteTemplate', undefined);
    return;
  }
  const file = projectPath(`node_modules/.cache/fastblog-tests/pglite-${await migrationsHash()}.tar`);
  if (!(await stat(file).catch(() => undefined))) {
    const client = await PGlite.create('memory://');
    await migrate(drizzle({ client }), { migrationsFolder });
    const dump = Buffer.from(await (await client.dumpDataDir('none')).arrayBuffer());
    await client.close();
    await mkdir(path.dirname(file), { recursive: true });
    // Renamed into place whole, so that a run beside this one never reads half a dump.
    const partial = `${file}.${process.pid}`;
    await writeFile(partial, dump);
    await rename(partial, file);
  }
  project.provide('pgliteTemplate', file);
}

async function migrationsHash(): Promise<string> {
  const hash = createHash('sha256');
  const pglite = JSON.parse(
    await readFile(projectPath('node_modules/@electric-sql/pglite/package.json'), 'utf8'),
  ) as { version: string };
  hash.update(pglite.version);
  const names = (await readdir(migrationsFolder, { recursive: true })).sort();
  for (const name of names) {
    const entry = path.join(migrationsFolder, name);
    if ((await stat(entry)).isFile()) hash.update(name).update(await readFile(entry));
  }
  return hash.digest('hex').slice(0, 16);
}

let template: Promise<Blob | undefined> | undefined;

/** Makes an in-memory PGlite of `config` start from the dump, when there is one. */
export async function startFromTemplate(config: Config): Promise<void> {
  if (config.database.kind === 'pglite' && config.database.dataDir === undefined) {
    config.database.startFrom = await pgliteTemplate();
  }
}

/** The dump made by the global setup, read once per worker; undefined outside the default suite. */
export function pgliteTemplate(): Promise<Blob | undefined> {
  template ??= (async () => {
    const file = inject('pgliteTemplate');
    return file === undefined ? undefined : new Blob([await readFile(file)]);
  })();
  return template;
}
