/** The most a response body may hold before a reader gives up on it (UDC answers are a few hundred bytes). */
export const BODY_LIMIT_BYTES = 1024 * 1024;

export function describeBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`body larger than ${describeBytes(limitBytes)}`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads a response body (a Node stream or a fetch body) as UTF-8 text, and stops reading as soon as it
 * passes `limitBytes`: an endless or huge body costs at most that much memory. Leaving the loop early
 * destroys or cancels the stream, which closes the connection. Time is the caller's to bound (a timer
 * that destroys the request, or an abort signal), since only the caller owns the connection.
 */
export async function readBoundedBody(
  body: AsyncIterable<Uint8Array | string> | null | undefined,
  limitBytes: number = BODY_LIMIT_BYTES,
): Promise<string> {
  if (!body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const bytes =
      typeof chunk === 'string'
        ? Buffer.from(chunk)
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    size += bytes.length;
    if (size > limitBytes) throw new BodyTooLargeError(limitBytes);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}
