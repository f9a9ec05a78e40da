import type { IncomingHttpHeaders } from 'node:http';

// Where a client reaches the bot, to turn the paths the API answers with into URLs it can follow.
// ASSEMBLY_LINE_PUBLIC_URL wins when set. Otherwise the request says: X-Forwarded-Proto/-Host (a
// TLS-terminating proxy's), then Host, over http. Honouring them is safe here because the URL goes
// back only to the client that sent the headers: a forged one misleads only its sender. A value
// that is not a plain scheme or host[:port] is ignored, so no header can put a path or a user in it.

const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The first value of a header a proxy chain may have appended to (`a, b`). */
function first(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  const head = text?.split(',')[0]?.trim();
  return head || undefined;
}

/** `https://example.com/prefix` from ASSEMBLY_LINE_PUBLIC_URL, or why it cannot serve as one. */
export function parsePublicUrl(raw: string): { base: string } | { problem: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: 'is not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { problem: 'must start with http:// or https://' };
  if (url.search || url.hash || url.username || url.password)
    return { problem: 'must have no query, fragment or credentials' };
  return { base: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

/** The base a client reaches the bot at, from the configured URL or the request's headers. */
export function publicBase(
  headers: IncomingHttpHeaders,
  configured: string | undefined,
  local: { address?: string | undefined; port?: number | undefined },
): string {
  if (configured) return configured;
  const proto = first(headers['x-forwarded-proto'])?.toLowerCase();
  const scheme = proto === 'https' || proto === 'http' ? proto : 'http';
  const forwarded = first(headers['x-forwarded-host']);
  const host = [forwarded, headers.host?.trim()].find((h) => h !== undefined && HOST.test(h));
  if (host) return `${scheme}://${host}`;
  // HTTP/1.0 without Host: the address the request came in on.
  const address = local.address?.includes(':') ? `[${local.address}]` : (local.address ?? 'localhost');
  return `${scheme}://${address}${local.port ? `:${local.port}` : ''}`;
}
