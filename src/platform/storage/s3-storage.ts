import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../config.js';
import type { Storage } from './storage.js';

/** Objects in an S3 bucket, or any S3-compatible server (MinIO and the like, path-style). */
export class S3Storage implements Storage {
  private readonly publicBase: string;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    publicBase: string,
  ) {
    this.publicBase = publicBase.replace(/\/+$/, '');
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        // Keys are fresh UUIDs: an object never changes, so caches may keep it for good.
        CacheControl: 'public, max-age=31536000, immutable',
      }),
    );
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  publicUrl(key: string): string {
    return `${this.publicBase}/${key}`;
  }

  close(): void {
    this.client.destroy();
  }
}

/** One client per process; without keys the SDK's default chain applies (an ECS task role, say). */
export function createS3Client(config: S3Config): S3Client {
  const credentials =
    config.accessKeyId && config.secretAccessKey
      ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
      : undefined;
  return new S3Client({
    region: config.region,
    credentials,
    endpoint: config.endpointUrl,
    forcePathStyle: config.endpointUrl !== undefined,
    // Checksums only where the operation needs one: some S3-compatible servers store the framing of
    // streamed checksums as part of the object.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // A storage outage must fail a request, not hang it.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
    maxAttempts: 2,
  });
}

/** SPEC section 4: S3_PUBLIC_URL, else the endpoint with the bucket in the path, else AWS's virtual host. */
export function publicBaseUrl(config: S3Config): string {
  if (config.publicUrl) return config.publicUrl;
  if (config.endpointUrl) return `${config.endpointUrl.replace(/\/+$/, '')}/${config.bucket}`;
  return `https://${config.bucket}.s3.${config.region}.amazonaws.com`;
}

export function createS3Storage(config: S3Config): S3Storage {
  return new S3Storage(createS3Client(config), config.bucket, publicBaseUrl(config));
}
