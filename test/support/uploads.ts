// Request bodies as browsers send files.

/** One file of a multipart body. */
export interface FilePart {
  name: string;
  bytes: Buffer;
  filename?: string;
  type?: string;
}

/** A multipart/form-data body exactly as a browser's FormData would send it. */
export async function multipartBody(
  files: FilePart[],
  fields: Record<string, string> = {},
): Promise<{ payload: Buffer; contentType: string }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files) {
    form.append(
      file.name,
      new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }),
      file.filename ?? 'upload.bin',
    );
  }
  const request = new Request('http://x', { method: 'PATCH', body: form });
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    contentType: request.headers.get('content-type')!,
  };
}
