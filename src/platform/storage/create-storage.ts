import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { S3Config } from '../config.js';
import { LocalDiskStorage } from './local-disk-storage.js';
import type { Storage } from './storage.js';

/** S3 when `S3_BUCKET_NAME` is set, else files under `DATA_DIR/media`, served at `/media`. */
export async function createStorage(s3: S3Config | undefined, dataDir: string): Promise<Storage> {
  if (!s3) {
    // Created now rather than at the first upload: the static-file server warns about a missing root.
    const root = path.join(dataDir, 'media');
    await mkdir(root, { recursive: true });
    return new LocalDiskStorage(root);
  }
  // The AWS SDK is large: loaded only when a bucket is configured.
  const { createS3Storage } = await import('./s3-storage.js');
  return createS3Storage(s3);
}
