/**
 * Names on a deploy host: service names, release ids and environment variable names reach shell commands
 * on the host, so each is checked against a strict pattern before any command is built.
 */

const RELEASE_ID = /^\d{8}T\d{6}Z-[0-9a-f]{7}$/;
const SERVICE_NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A release id that sorts by time: the UTC time to the second, then the first 7 hex digits of the SPEC's
 * hash, e.g. `20261125T041713Z-3f9a2c1`.
 */
export function makeReleaseId(date: Date, specHash: string): string {
  const hash = specHash.toLowerCase().replace(/^sha256:/, '');
  if (!/^[0-9a-f]{7,}$/.test(hash))
    throw new Error(`SPEC hash '${specHash}' is not hexadecimal (at least 7 digits)`);
  if (Number.isNaN(date.getTime())) throw new Error('release time is not a valid date');
  const stamp = date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `${stamp}-${hash.slice(0, 7)}`;
}

export function isReleaseId(text: string): boolean {
  return RELEASE_ID.test(text);
}

export function isServiceName(text: string): boolean {
  return text.length >= 2 && text.length <= 63 && SERVICE_NAME.test(text);
}

export function isEnvName(text: string): boolean {
  return ENV_NAME.test(text);
}
