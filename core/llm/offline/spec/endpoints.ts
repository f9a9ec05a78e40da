import { FEATURE_ROUTE } from '../../../intent/feature-routes.js';
import type { Intent } from '../../../intent/schema.js';
import { KNOWN_INFRASTRUCTURE } from '../../../intent/schema.js';
import { endpointKey, type HttpMethod, isValidApiPath } from '../../../spec/api-section.js';
import { UDC_ENDPOINTS } from '../../../spec/sections.js';
import { asciiWords, fold, type Json, oneLine, pascal, snake } from './text.js';

/** A key feature turned into one endpoint with examples derived from the feature's own words. */
export interface PlannedEndpoint {
  feature: string;
  /** 0-based index of the feature in the intent. */
  index: number;
  method: HttpMethod;
  path: string;
  /** snake_case name of what the endpoint is about; unique within the service. */
  resource: string;
  /** PascalCase model name. */
  model: string;
  request?: { [key: string]: Json };
  status: number;
  response: { [key: string]: Json };
  errors: string[];
  /** What the endpoint does, as a verb phrase: "records a refunds request and answers 201". */
  action: string;
}

const VERB_METHODS: Record<string, HttpMethod> = {};
for (const verb of 'get list show view fetch read search find query lookup browse track monitor check export download retrieve display count watch inspect preview'.split(
  ' ',
))
  VERB_METHODS[verb] = 'GET';
for (const verb of 'create add submit process send register upload import generate calculate compute validate verify convert transform schedule trigger run start publish notify charge pay book post analyze analyse ingest enqueue sync reconcile issue capture authorize authorise sign translate summarize summarise classify detect score resize compress render'.split(
  ' ',
))
  VERB_METHODS[verb] = 'POST';
for (const verb of 'update edit modify change replace rename set configure adjust'.split(' '))
  VERB_METHODS[verb] = 'PUT';
for (const verb of 'delete remove cancel revoke purge unregister unsubscribe'.split(' '))
  VERB_METHODS[verb] = 'DELETE';

/** Verbs the HTTP method already expresses, so the path need not repeat them. */
const CRUD_VERBS = new Set(
  'get list show view fetch read retrieve create add submit update edit modify change replace set delete remove cancel revoke'.split(
    ' ',
  ),
);
/** Nouns that name something to read rather than something to submit. */
const READ_NOUNS = new Set(
  'dashboard metrics analytics stats statistics report reports history logs log status overview summary feed catalog catalogue leaderboard insights health info information version list lookup directory inventory timeline'.split(
    ' ',
  ),
);
const FILLER = new Set(
  'a an the of to for and or with via by on in at from into using use endpoint endpoints api apis support supports feature features service services capability http https rest json based new'.split(
    ' ',
  ),
);

/** Hints from a feature's words: fields its examples carry. Checked in order; the first few that apply. */
const FAMILIES: { words: string[]; fields: (slug: string, index: number) => { [key: string]: Json } }[] = [
  {
    words:
      'payment payments pay charge charges refund refunds invoice invoices billing price pricing checkout order orders subscription subscriptions stripe transaction transactions payout payouts'.split(
        ' ',
      ),
    fields: (_s, i) => ({ amount: 1000 + 250 * i, currency: 'usd' }),
  },
  {
    words: 'email emails mail notification notifications notify sms alert alerts newsletter'.split(' '),
    fields: (slug) => ({ recipient: 'ada@example.com', subject: `about ${slug}` }),
  },
  {
    words: 'webhook webhooks event events callback callbacks hook hooks trigger triggers'.split(' '),
    fields: (slug) => ({ event_type: `${slug.replace(/-/g, '_')}.received`, payload: { source: 'example' } }),
  },
  {
    words:
      'user users account accounts profile profiles login logins auth authentication signup customer customers member members session sessions'.split(
        ' ',
      ),
    fields: (_s, i) => ({ user_id: `usr_${String(101 + i).padStart(4, '0')}` }),
  },
  {
    words: 'search query queries filter lookup find'.split(' '),
    fields: (slug) => ({ query: slug, limit: 20 }),
  },
  {
    words:
      'file files upload uploads document documents image images photo photos pdf csv attachment attachments import export'.split(
        ' ',
      ),
    fields: (slug) => ({ filename: `${slug}.csv`, size_bytes: 2048 }),
  },
  {
    words:
      'schedule schedules scheduling calendar booking bookings appointment appointments reminder reminders reservation reservations'.split(
        ' ',
      ),
    fields: () => ({ starts_at: '2026-01-01T09:00:00Z', duration_minutes: 30 }),
  },
  {
    words:
      'metric metrics analytics stats statistics report reports dashboard monitor monitoring usage'.split(
        ' ',
      ),
    fields: () => ({ window_seconds: 60 }),
  },
];
const GREETINGS = new Set(['hello', 'hi', 'greet', 'greeting', 'greetings', 'welcome', 'ping', 'echo']);
const TIMESTAMP = '2026-01-01T00:00:00Z';
const MAX_SLUG_WORDS = 4;

function sanitizePath(raw: string): string | undefined {
  const segments = raw
    .split('/')
    .map((segment) => {
      const param = /^\{(.*)\}$/.exec(segment);
      if (param) {
        const words = asciiWords(param[1]!);
        return words.length > 0 ? `{${snake(words)}}` : '{id}';
      }
      return fold(segment)
        .replace(/[^a-z0-9_-]+/g, '-')
        .replace(/-{2,}/g, '-')
        .replace(/^[-_]+|[-_]+$/g, '');
    })
    .filter(Boolean);
  const path = `/${segments.join('/')}`;
  return segments.length > 0 && isValidApiPath(path) ? path : undefined;
}

function hintFields(words: readonly string[], slug: string, index: number): { [key: string]: Json } {
  const fields: { [key: string]: Json } = {};
  for (const family of FAMILIES)
    if (family.words.some((w) => words.includes(w))) Object.assign(fields, family.fields(slug, index));
  return fields;
}

interface Derived {
  method: HttpMethod;
  path: string;
  /** Words left over once an explicit method and path are taken: "details" of "GET /health details". */
  rest: string[];
  explicit: boolean;
  words: string[];
}

function derive(feature: string, index: number): Derived {
  const words = asciiWords(feature);
  const verbMethod = words.map((w) => VERB_METHODS[w]).find(Boolean);
  // A path runs to the next space, but a parameter may hold spaces: "/orders/{order id}".
  const explicit =
    FEATURE_ROUTE.exec(feature) ?? /(?:^|\s)(\/(?:\{[^{}\s][^{}]{0,40}\}|[^\s{])+)/.exec(feature);
  if (explicit) {
    const rawPath = explicit.length > 2 && explicit[2] ? explicit[2] : explicit[1]!;
    const path = sanitizePath(rawPath);
    if (path) {
      const method = (explicit[2] ? explicit[1]!.toUpperCase() : (verbMethod ?? 'GET')) as HttpMethod;
      const taken = new Set([...asciiWords(rawPath), method.toLowerCase()]);
      const rest = words
        .filter((w) => !taken.has(w) && !FILLER.has(w) && !VERB_METHODS[w])
        .slice(0, MAX_SLUG_WORDS);
      return { method, path, rest, explicit: true, words };
    }
  }
  const meaningful = words.filter((w) => !FILLER.has(w));
  const leadingVerb = meaningful.length > 1 && VERB_METHODS[meaningful[0]!] ? meaningful[0] : undefined;
  // The method says "create" or "delete" already; "search" or "export" stays part of the path.
  const dropVerb = leadingVerb !== undefined && CRUD_VERBS.has(leadingVerb);
  const nouns = (dropVerb ? meaningful.slice(1) : meaningful).slice(0, MAX_SLUG_WORDS);
  const slug = nouns.join('-') || `feature-${index + 1}`;
  const method: HttpMethod =
    (leadingVerb ? VERB_METHODS[leadingVerb] : undefined) ??
    verbMethod ??
    (nouns.some((n) => READ_NOUNS.has(n)) ? 'GET' : 'POST');
  const path = method === 'PUT' || method === 'PATCH' || method === 'DELETE' ? `/${slug}/{id}` : `/${slug}`;
  return { method, path: sanitizePath(path) ?? `/feature-${index + 1}`, rest: [], explicit: false, words };
}

/** `/refunds` → `/refunds-2`: the last fixed segment gets a number. */
function bump(path: string, n: number): string {
  const segments = path.split('/');
  for (let i = segments.length - 1; i > 0; i--)
    if (!segments[i]!.startsWith('{')) {
      segments[i] = `${segments[i]!.replace(/-\d+$/, '')}-${n}`;
      return segments.join('/');
    }
  return `${path}-${n}`;
}

function resourceOf(path: string, index: number, used: Set<string>): string {
  const fixed = path
    .split('/')
    .filter((s) => s && !s.startsWith('{'))
    .slice(-3)
    .join('_')
    .replace(/-/g, '_');
  let resource = fixed ? snake([fixed]) : `feature_${index + 1}`;
  if (used.has(resource)) resource = `${resource}_${index + 1}`;
  used.add(resource);
  return resource;
}

function abbreviation(resource: string): string {
  const parts = resource.split('_').filter(Boolean);
  const abbr =
    parts.length > 1
      ? parts
          .map((p) => p[0])
          .join('')
          .slice(0, 4)
      : resource.slice(0, 3);
  return /^[a-z]/.test(abbr) ? abbr : `f${abbr}`;
}

function examples(
  derived: Derived,
  path: string,
  resource: string,
  index: number,
  intent: Intent,
): Pick<PlannedEndpoint, 'request' | 'status' | 'response' | 'action'> {
  const slug = resource.replace(/_/g, '-');
  // Derived names stay in code spans: as prose, "proxy legacy port 9000" would read as a port.
  const thing = `\`${slug}\``;
  const hints = hintFields(derived.words, slug, index);
  const id = `${abbreviation(resource)}_${String(index + 1).padStart(4, '0')}`;
  const ref = `${resource}_ref`;
  const hasId = path.includes('{');
  switch (derived.method) {
    case 'POST':
      return {
        request: { ...hints, [ref]: `${slug}-0001` },
        status: 201,
        response: { id, [ref]: `${slug}-0001`, ...hints, status: 'accepted', created_at: TIMESTAMP },
        action: `validates the body, records the ${thing} request under a new id and answers 201`,
      };
    case 'PUT':
    case 'PATCH':
      return {
        request: { ...hints, [ref]: `${slug}-0002` },
        status: 200,
        response: { id, ...hints, [ref]: `${slug}-0002`, updated_at: TIMESTAMP },
        action: `replaces the stored ${thing} record named by the id and answers 200 with it`,
      };
    case 'DELETE':
      return {
        status: 200,
        response: { id, deleted: true, deleted_at: TIMESTAMP },
        action: `removes the ${thing} record named by the id and answers 200`,
      };
    default: {
      if (derived.words.some((w) => GREETINGS.has(w)) && !hasId)
        return {
          status: 200,
          response: { message: `Hello from ${intent.service_name}`, served_at: TIMESTAMP },
          action: `answers 200 with a greeting from ${intent.service_name} and the time it was served`,
        };
      if (hasId)
        return {
          status: 200,
          response: { id, ...hints, updated_at: TIMESTAMP },
          action: `answers 200 with the ${thing} record named by the id, or 404`,
        };
      if ('window_seconds' in hints)
        return {
          status: 200,
          response: { ...hints, [`${resource}_count`]: 42 + index, generated_at: TIMESTAMP },
          action: `answers 200 with ${thing} counted over the last 60 s`,
        };
      return {
        status: 200,
        response: { [resource]: [{ id, ...hints }], total: 1, generated_at: TIMESTAMP },
        action: `answers 200 with the list of ${thing} records and their total`,
      };
    }
  }
}

function errorsOf(
  method: HttpMethod,
  path: string,
  model: string,
  resource: string,
  intent: Intent,
): string[] {
  const errors: string[] = [];
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    errors.push(`422 body does not match ${model}Request`);
    if (method === 'POST') errors.push(`409 ${resource}_ref already used`);
  } else errors.push('422 invalid query or path parameters');
  if (path.includes('{')) errors.push(`404 no ${resource} with that id`);
  const upstream = intent.dependencies.find((d) => !(KNOWN_INFRASTRUCTURE as readonly string[]).includes(d));
  if (upstream) errors.push(`503 ${upstream} unavailable`);
  return errors;
}

/**
 * Whether an endpoint's request example is a body the service takes: POST, PUT, PATCH and DELETE
 * (FastAPI reads a DELETE body), never GET, whose body has no meaning in HTTP and that clients may
 * drop. Data Models and app/models.py both follow this rule, so they model the same bodies.
 */
export function takesRequestBody(method: string): boolean {
  return method !== 'GET';
}

/**
 * The PascalCase model name of each feature endpoint, in order, as planEndpoints names them: from the
 * path's last fixed segments, made unique. The SPEC completion names a SPEC's models the same way.
 */
export function modelNames(paths: readonly string[]): string[] {
  const used = new Set<string>();
  return paths.map((path, index) => pascal(resourceOf(path, index, used)));
}

/** The endpoint of each key feature: method and path derived from its words, unique, never a UDC endpoint. */
export function planEndpoints(intent: Intent): PlannedEndpoint[] {
  const taken = new Set<string>(UDC_ENDPOINTS.map(endpointKey));
  const resources = new Set<string>();
  return intent.key_features.map((rawFeature, index) => {
    const feature = oneLine(rawFeature);
    const derived = derive(feature, index);
    let path = derived.path;
    if (taken.has(`${derived.method} ${path}`) && derived.rest.length > 0) {
      const extended = `${path.replace(/\/$/, '')}/${derived.rest.join('-')}`;
      if (isValidApiPath(extended)) path = extended;
    }
    const base = path;
    for (let n = 2; taken.has(`${derived.method} ${path}`); n++) path = bump(base, n);
    taken.add(`${derived.method} ${path}`);
    const resource = resourceOf(path, index, resources);
    const model = pascal(resource);
    return {
      feature,
      index,
      method: derived.method,
      path,
      resource,
      model,
      ...examples(derived, path, resource, index, intent),
      errors: errorsOf(derived.method, path, model, resource, intent),
    };
  });
}
