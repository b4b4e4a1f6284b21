import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { projectPath } from '../paths.js';

export const THEME_COLOR = '#0d6efd';

/** Where the files under `/static/<prefix>` come from. The first prefix that matches wins. */
export const STATIC_FOLDERS = [
  // Built by `npm run build` (part of `npm start`) from the `browser/` folders.
  { prefix: 'js/', folder: projectPath('dist', 'client') },
  {
    prefix: 'vendor/bootstrap/',
    folder: path.join(path.dirname(createRequire(import.meta.url).resolve('bootstrap/package.json')), 'dist'),
  },
  { prefix: '', folder: projectPath('public') },
] as const;

const fingerprints = new Map<string, string | undefined>();

function fingerprint(file: string): string | undefined {
  if (!fingerprints.has(file)) {
    const entry = STATIC_FOLDERS.find(({ prefix }) => file.startsWith(prefix));
    try {
      const bytes = readFileSync(path.join(entry?.folder ?? '', file.slice(entry?.prefix.length ?? 0)));
      fingerprints.set(file, createHash('sha256').update(bytes).digest('base64url').slice(0, 12));
    } catch {
      // Not built yet (tests render pages without building the browser modules).
      fingerprints.set(file, undefined);
    }
  }
  return fingerprints.get(file);
}

/**
 * The URL of a file served under `/static`, fingerprinted with a hash of its content (`?v=`): such URLs
 * are cached for good (see static-files.ts), and a new deploy changes them.
 */
export function asset(file: string): string {
  const version = fingerprint(file);
  return version ? `/static/${file}?v=${version}` : `/static/${file}`;
}
