import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Storage } from './storage.js';

/** Objects as files under one folder, served by the app under `/media`. */
export class LocalDiskStorage implements Storage {
  constructor(
    readonly root: string,
    private readonly urlPrefix = '/media',
  ) {}

  async put(key: string, body: Buffer): Promise<void> {
    const file = this.fileFor(key);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, body);
  }

  async delete(key: string): Promise<void> {
    await rm(this.fileFor(key), { force: true });
  }

  publicUrl(key: string): string {
    return `${this.urlPrefix}/${key}`;
  }

  private fileFor(key: string): string {
    const file = path.resolve(this.root, key);
    if (!file.startsWith(this.root + path.sep))
      throw new Error(`storage key escapes the media folder: ${key}`);
    return file;
  }
}
