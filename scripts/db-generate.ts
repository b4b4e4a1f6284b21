// `npm run db:generate`: writes the migrations for a change of the tables.
// 1. drizzle-kit compares the tables (`src/**/*.table.ts`) with its last snapshot and writes the SQL of
//    new tables, columns and indexes.
// 2. This script finds the triggers declared beside the tables (`shownOnPages`, `counted`: see
//    src/platform/database/derived.ts), compares them with drizzle/derived-triggers.json, and writes one
//    more migration for those that are new, changed or gone.
// Both are committed; a migration is never edited once it has landed.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDerived, type Derived } from '../src/platform/database/derived.js';

const root = path.resolve(import.meta.dirname, '..');
const drizzleKit = path.join(root, 'node_modules', '.bin', 'drizzle-kit');
// Beside the migrations, not in meta/: drizzle-kit reads every file there as one of its snapshots.
const snapshotFile = path.join(root, 'drizzle', 'derived-triggers.json');

type Snapshot = Record<string, { create: string[]; drop: string[] }>;

// Arguments are drizzle-kit's: `npm run db:generate -- --name=comments` names the migration.
execFileSync(drizzleKit, ['generate', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });

const tableFiles = readdirSync(path.join(root, 'src'), { recursive: true })
  .map(String)
  .filter((file) => file.endsWith('.table.ts'))
  .sort();
const declared = new Map<string, Derived>();
for (const file of tableFiles) {
  const module = (await import(pathToFileURL(path.join(root, 'src', file)).href)) as Record<string, unknown>;
  for (const value of Object.values(module)) {
    if (!isDerived(value)) continue;
    if (declared.has(value.name)) throw new Error(`two declarations are named ${value.name}`);
    declared.set(value.name, value);
  }
}

const previous: Snapshot = existsSync(snapshotFile)
  ? (JSON.parse(readFileSync(snapshotFile, 'utf8')) as Snapshot)
  : {};
const statements: string[] = [];
const changed: string[] = [];
for (const [name, old] of Object.entries(previous)) {
  if (!declared.has(name)) {
    statements.push(...old.drop);
    changed.push(name);
  }
}
for (const [name, derived] of declared) {
  const old = previous[name];
  if (old && JSON.stringify(old.create) === JSON.stringify(derived.create)) continue;
  if (old) statements.push(...old.drop);
  statements.push(...derived.create);
  changed.push(name);
}

if (changed.length === 0) {
  console.log('Triggers: no declaration changed');
} else {
  const journal = () =>
    JSON.parse(readFileSync(path.join(root, 'drizzle', 'meta', '_journal.json'), 'utf8')) as {
      entries: { tag: string }[];
    };
  const before = journal().entries.length;
  execFileSync(drizzleKit, ['generate', '--custom', '--name=triggers'], { cwd: root, stdio: 'inherit' });
  const entries = journal().entries;
  if (entries.length !== before + 1) throw new Error('drizzle-kit wrote no migration for the triggers');
  const tag = entries.at(-1)?.tag;
  const file = path.join(root, 'drizzle', `${tag}.sql`);
  const header = `-- Triggers declared beside the tables (src/platform/database/derived.ts): ${changed.join(', ')}.\n`;
  writeFileSync(file, header + statements.join('\n--> statement-breakpoint\n') + '\n');
  const snapshot: Snapshot = Object.fromEntries(
    [...declared].map(([key, derived]) => [key, { create: derived.create, drop: derived.drop }]),
  );
  writeFileSync(snapshotFile, JSON.stringify(snapshot, null, 2) + '\n');
  console.log(`Triggers: ${changed.join(', ')} -> drizzle/${tag}.sql`);
}
