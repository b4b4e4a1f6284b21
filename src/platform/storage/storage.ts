/** Where uploaded files live: a folder on disk when embedded, an S3 bucket in production. */
export interface Storage {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** Deleting a key that does not exist succeeds. */
  delete(key: string): Promise<void>;
  /** The URL a browser loads the object from. */
  publicUrl(key: string): string;
  close?(): void;
}
