// `npm run check:s3`: proves the configured bucket works by writing, reading back and deleting a test
// object, one line per step. Exits non-zero at the first failure.
import { randomUUID } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ConfigError, loadConfig } from '../config.js';
import { createS3Client } from './s3-storage.js';

async function step(name: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
    console.log(`${name}: OK`);
  } catch (error) {
    console.log(
      `${name}: FAILED - ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    process.exit(1);
  }
}

try {
  process.loadEnvFile();
} catch {
  // No .env file: the environment alone configures the check.
}

let s3;
try {
  s3 = loadConfig().s3;
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.log(`configuration: FAILED - ${error.message}`);
  process.exit(1);
}
if (!s3) {
  console.log('configuration: FAILED - S3_BUCKET_NAME is not set, so pictures are stored on local disk');
  process.exit(1);
}

const client = createS3Client(s3);
const Bucket = s3.bucket;
const Key = `healthcheck/${randomUUID()}.txt`;
const body = `check:s3 ${new Date().toISOString()}`;
console.log(`bucket ${Bucket}${s3.endpointUrl ? ` at ${s3.endpointUrl}` : ` in ${s3.region}`}, key ${Key}`);

await step('write', async () => {
  await client.send(new PutObjectCommand({ Bucket, Key, Body: body, ContentType: 'text/plain' }));
});
await step('read', async () => {
  const object = await client.send(new GetObjectCommand({ Bucket, Key }));
  const text = await object.Body?.transformToString();
  if (text !== body) throw new Error('the object read back differs from the one written');
});
await step('delete', async () => {
  await client.send(new DeleteObjectCommand({ Bucket, Key }));
});
client.destroy();
