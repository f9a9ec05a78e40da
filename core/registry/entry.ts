import * as z from 'zod';
import { SERVICE_NAME_PATTERN } from '../intent/schema.js';
import type { RegistryEntry } from '../ports/index.js';

/** A registry that cannot do what was asked: the message names the registry and what went wrong. */
export class RegistryError extends Error {
  override name = 'RegistryError';
}

/** Called with a one-line message when a registry holds an entry that is not a valid `RegistryEntry`. */
export type RegistryWarn = (message: string) => void;

export const defaultWarn: RegistryWarn = (message) => process.emitWarning(message, 'RegistryWarning');

const serviceName = z
  .string()
  .regex(SERVICE_NAME_PATTERN, 'must be a service name (a-z, 0-9 and "-", starting with a letter)')
  .max(63, 'must be at most 63 characters');

/** Validates entries both on the way in (register) and on the way out (every read). */
export const RegistryEntrySchema = z.object({
  name: serviceName,
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  version: z.string().regex(/\S/, 'must not be empty'),
  release_id: z.string().regex(/\S/, 'must not be empty'),
  registered_at: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date and time' }),
  health: z.enum(['active', 'degraded', 'unknown']),
});

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'entry'}: ${issue.message}`)
    .join('; ');
}

/** The entry to write, stripped of unknown fields; a clear error when it is not valid. */
export function checkEntry(entry: RegistryEntry, where: string): RegistryEntry {
  const result = RegistryEntrySchema.safeParse(entry);
  if (!result.success)
    throw new RegistryError(
      `${where}: refusing to register an invalid entry: ${describeIssues(result.error)}`,
    );
  return result.data;
}

/** Service names become URL path segments and etcd keys, so only service names are accepted. */
export function checkName(name: string, where: string): string {
  const result = serviceName.safeParse(name);
  if (!result.success)
    throw new RegistryError(
      `${where}: invalid service name ${JSON.stringify(name)}: ${describeIssues(result.error)}`,
    );
  return name;
}

export type EntryReading = { ok: true; entry: RegistryEntry } | { ok: false; problem: string };

/**
 * Judges an entry read from a registry. `source` names where it came from (file and key, URL, etcd
 * key); `expectedName` is the name it is stored under, when the store has one.
 */
export function readEntry(value: unknown, source: string, expectedName?: string): EntryReading {
  const result = RegistryEntrySchema.safeParse(value);
  if (!result.success)
    return { ok: false, problem: `${source}: ignoring an invalid entry: ${describeIssues(result.error)}` };
  if (expectedName !== undefined && result.data.name !== expectedName)
    return {
      ok: false,
      problem: `${source}: ignoring an entry named ${JSON.stringify(result.data.name)} stored under ${JSON.stringify(expectedName)}`,
    };
  return { ok: true, entry: result.data };
}

/** The valid entries of `values`, sorted by name; each invalid one is passed to `warn`. */
export function keepValidEntries(
  values: Iterable<{ value: unknown; source: string; expectedName?: string }>,
  warn: RegistryWarn,
): RegistryEntry[] {
  const entries: RegistryEntry[] = [];
  for (const { value, source, expectedName } of values) {
    const reading = readEntry(value, source, expectedName);
    if (reading.ok) entries.push(reading.entry);
    else warn(reading.problem);
  }
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}
