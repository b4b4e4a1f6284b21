import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);

/**
 * The project's folder: the nearest one above this module that holds `package.json`, whether the code
 * runs from src/ (tests, `npm run dev`), from dist/ file by file (the commands), or bundled into
 * dist/server.js (the server). Migrations, public files and the build's output are found from it.
 */
export const PROJECT_ROOT = (() => {
  for (let folder = path.dirname(here); ; folder = path.dirname(folder)) {
    if (existsSync(path.join(folder, 'package.json'))) return folder;
    if (path.dirname(folder) === folder) throw new Error(`no package.json above ${here}`);
  }
})();

/** True when the code runs from its TypeScript sources (through tsx or Vitest). */
export const FROM_SOURCE = here.endsWith('.ts');

export const projectPath = (...parts: string[]) => path.join(PROJECT_ROOT, ...parts);
