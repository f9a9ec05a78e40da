import * as z from 'zod';

/**
 * The answers of the five UDC endpoints (DESIGN.md "UDC"). They serve the code generator (its Python
 * models mirror them) and the verifier. Answers are loose objects: a service may add fields, but every
 * listed field must be there with the listed type.
 */

/** Semantic Versioning 2.0.0, the regular expression semver.org recommends. */
export const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export const DEPENDENCY_STATUSES = ['available', 'unavailable', 'unknown'] as const;

const nonEmpty = z.string().min(1, 'must not be empty');
const semver = z.string().regex(SEMVER_PATTERN, 'must be a semantic version such as 1.0.0');
/**
 * ISO-8601 date-time: `Z`, an offset, or none (Python's `datetime.isoformat()` of a naive datetime is
 * still ISO-8601), any fraction of a second.
 */
const isoDateTime = z.iso.datetime({ offset: true, local: true, error: 'must be an ISO-8601 date-time' });
const count = z.number().int('must be a whole number').min(0, 'must be at least 0');

export const HealthAnswerSchema = z.looseObject({
  status: z.literal('active'),
  service: nonEmpty,
  version: semver,
  timestamp: isoDateTime,
});

export const EndpointRefSchema = z.looseObject({
  method: nonEmpty,
  path: z.string().startsWith('/', "must start with '/'"),
});

export const CapabilitiesAnswerSchema = z.looseObject({
  service: nonEmpty,
  version: semver,
  features: z.array(z.string()),
  dependencies: z.array(z.string()),
  endpoints: z.array(EndpointRefSchema),
});

export const StateAnswerSchema = z.looseObject({
  uptime_seconds: z.number().min(0, 'must be at least 0'),
  requests_total: count,
  errors_total: count,
  started_at: isoDateTime,
});

export const DependencyStatusSchema = z.looseObject({
  name: nonEmpty,
  status: z.enum(DEPENDENCY_STATUSES),
});

export const DependenciesAnswerSchema = z.looseObject({
  dependencies: z.array(DependencyStatusSchema),
});

/** What `POST /message` takes. A service answers 4xx to anything that does not match. */
export const MessageEnvelopeSchema = z.object({
  trace_id: nonEmpty,
  source: nonEmpty,
  target: nonEmpty,
  message_type: nonEmpty,
  payload: z.record(z.string(), z.unknown()),
  timestamp: isoDateTime,
});

export const MessageAnswerSchema = z.looseObject({
  received: z.literal(true),
  trace_id: nonEmpty,
});

export type HealthAnswer = z.infer<typeof HealthAnswerSchema>;
export type EndpointRef = z.infer<typeof EndpointRefSchema>;
export type CapabilitiesAnswer = z.infer<typeof CapabilitiesAnswerSchema>;
export type StateAnswer = z.infer<typeof StateAnswerSchema>;
export type DependencyStatus = z.infer<typeof DependencyStatusSchema>;
export type DependenciesAnswer = z.infer<typeof DependenciesAnswerSchema>;
export type MessageEnvelope = z.infer<typeof MessageEnvelopeSchema>;
export type MessageAnswer = z.infer<typeof MessageAnswerSchema>;

/** The answer schema of each GET endpoint, keyed by path. */
export const UDC_ANSWER_SCHEMAS = {
  '/health': HealthAnswerSchema,
  '/capabilities': CapabilitiesAnswerSchema,
  '/state': StateAnswerSchema,
  '/dependencies': DependenciesAnswerSchema,
} as const;

type Issue = z.core.$ZodIssue;

function fieldName(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function valueAt(data: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let current: unknown = data;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) {
      return { found: false, value: undefined };
    }
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return { found: true, value: current };
}

/** `'text'`, `3`, `null`: a value as it appeared in the JSON, shortened. */
export function showValue(value: unknown): string {
  const text = typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return `a ${typeof value}`;
}

const EXPECTED_TYPE: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  array: 'an array',
  object: 'a JSON object',
  record: 'a JSON object',
};

/** One schema issue as a precise sentence: "missing field 'timestamp'", "status is 'starting', expected 'active'". */
export function describeIssue(issue: Issue, data: unknown): string {
  const field = fieldName(issue.path);
  const subject = field === '' ? 'answer' : field;
  const { found, value } = valueAt(data, issue.path);
  if (!found && issue.path.length > 0) return `missing field '${field}'`;
  switch (issue.code) {
    case 'invalid_value': {
      const options = issue.values.map(showValue);
      const expected = options.length === 1 ? options[0] : `one of ${options.join(', ')}`;
      return `${subject} is ${showValue(value)}, expected ${expected}`;
    }
    case 'invalid_type':
      return `${subject} is ${jsonType(value)}${value === null ? '' : ` (${showValue(value)})`}, expected ${EXPECTED_TYPE[issue.expected] ?? issue.expected}`;
    default:
      return `${subject} is ${showValue(value)}: ${issue.message}`;
  }
}

/** Every issue of a failed parse, as one line; the first few when there are many. */
export function describeIssues(issues: readonly Issue[], data: unknown, limit = 3): string {
  const lines = issues.slice(0, limit).map((issue) => describeIssue(issue, data));
  if (issues.length > limit) lines.push(`and ${issues.length - limit} more`);
  return lines.join('; ');
}
