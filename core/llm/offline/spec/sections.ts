import type { Intent } from '../../../intent/schema.js';
import { KNOWN_INFRASTRUCTURE } from '../../../intent/schema.js';
import { plural } from '../../../plural.js';
import { endpointKey } from '../../../spec/api-section.js';
import { type SpecSection, UDC_ENDPOINTS } from '../../../spec/sections.js';
import { floatPaths, pathKey } from '../service/float-paths.js';
import type { PlannedEndpoint } from './endpoints.js';
import { cell, code, inlineJsonText, type Json, jsonType, oneLine } from './text.js';

/** Service levels by priority (DESIGN.md "Priority queue"): the numbers every section repeats. */
export interface ServiceLevel {
  tier: string;
  start: string;
  p95Ms: number;
  p99Ms: number;
  availability: string;
  rps: number;
  memoryMiB: number;
  recoveryS: number;
}

export function serviceLevel(intent: Intent): ServiceLevel {
  const extraMemory = 8 * intent.key_features.length;
  switch (intent.priority) {
    case 'critical':
      return {
        tier: 'TIER 0',
        start: 'within 5 min',
        p95Ms: 100,
        p99Ms: 250,
        availability: '99.95',
        rps: 200,
        memoryMiB: 256 + extraMemory,
        recoveryS: 15,
      };
    case 'high':
      return {
        tier: 'TIER 1',
        start: 'within 15 min',
        p95Ms: 200,
        p99Ms: 500,
        availability: '99.9',
        rps: 100,
        memoryMiB: 192 + extraMemory,
        recoveryS: 30,
      };
    case 'medium':
      return {
        tier: 'TIER 2',
        start: 'within 60 min',
        p95Ms: 300,
        p99Ms: 800,
        availability: '99.5',
        rps: 50,
        memoryMiB: 160 + extraMemory,
        recoveryS: 60,
      };
    default:
      return {
        tier: 'best effort',
        start: 'best effort (no start deadline)',
        p95Ms: 500,
        p99Ms: 1500,
        availability: '99.0',
        rps: 20,
        memoryMiB: 128 + extraMemory,
        recoveryS: 120,
      };
  }
}

const ROLE: Record<Intent['service_type'], string> = {
  infrastructure:
    'an infrastructure service: other services call it, so it must keep answering while they deploy',
  autonomous:
    'an autonomous service: it acts on messages it receives on `POST /message` as well as on direct calls',
  domain: 'a domain service: it serves business features to its callers over HTTP',
  experimental:
    'an experimental service: its API may change between versions and it is not promoted to production without review',
};

const TIMEOUT_S = 2;
const RETRY_S = 30;
const VERSION = '1.0.0';
const TIMESTAMP = '2026-01-01T00:00:00Z';

function isInfrastructure(name: string): boolean {
  return (KNOWN_INFRASTRUCTURE as readonly string[]).includes(name);
}

function dependencyUse(name: string, intent: Intent): { use: string; whenDown: string } {
  switch (name) {
    case 'registry':
      return {
        use: `${intent.service_name} is registered here (its URL on port ${intent.port}) once its health check passes`,
        whenDown: `${intent.service_name} keeps serving every endpoint, reports registry as \`unavailable\` in \`GET /dependencies\` and retries the registration every ${RETRY_S} s`,
      };
    case 'orchestrator':
      return {
        use: `${intent.service_name} reports the outcome of each \`POST /message\` it handles to the orchestrator`,
        whenDown: `outgoing reports wait in an in-memory queue of at most 1000 messages (oldest dropped first), \`GET /dependencies\` reports orchestrator as \`unavailable\`, and delivery is retried every ${RETRY_S} s`,
      };
    case 'verifier':
      return {
        use: `the verifier checks the five UDC endpoints of ${intent.service_name} after each release`,
        whenDown: `${intent.service_name} serves as before, reports verifier as \`unknown\` in \`GET /dependencies\` and the check is repeated every ${RETRY_S} s`,
      };
    default:
      return {
        use: `${intent.service_name} calls ${name} over HTTP with a ${TIMEOUT_S} s timeout for the features that need its data`,
        whenDown: `endpoints that need ${name} answer 503 with \`Retry-After: ${RETRY_S}\` after one retry, the other endpoints keep serving, and \`GET /dependencies\` reports ${name} as \`unavailable\``,
      };
  }
}

export function udcBlocks(
  intent: Intent,
  plan: readonly { method: string; path: string }[],
): { key: string; lines: string[] }[] {
  const name = intent.service_name;
  const capabilities: Json = {
    service: name,
    version: VERSION,
    features: intent.key_features.map(oneLine),
    dependencies: [...intent.dependencies],
    endpoints: [...UDC_ENDPOINTS, ...plan].map((e) => ({ method: e.method, path: e.path })),
  };
  const dependencies: Json = {
    dependencies: intent.dependencies.map((d, i) => ({ name: d, status: i === 0 ? 'available' : 'unknown' })),
  };
  const envelope: Json = {
    trace_id: `trace-${name}-0001`,
    source: 'assembly-line',
    target: name,
    message_type: 'ping',
    payload: { note: `status request for ${name}` },
    timestamp: TIMESTAMP,
  };
  const upstreams = intent.dependencies.filter((d) => !isInfrastructure(d));
  const block = (
    method: string,
    path: string,
    request: string,
    status: number,
    response: Json,
    errors: string,
  ) => ({
    key: `${method} ${path}`,
    lines: [
      `### ${method} ${path}`,
      '- Feature: UDC',
      `- Request: ${request}`,
      `- Response: ${status} ${code(inlineJsonText(response))}`,
      `- Errors: ${errors}`,
    ],
  });
  return [
    block(
      'GET',
      '/health',
      'none',
      200,
      { status: 'active', service: name, version: VERSION, timestamp: TIMESTAMP },
      `503 while ${name} is starting or stopping (the deploy waits up to 30 s for \`active\`)`,
    ),
    block(
      'GET',
      '/capabilities',
      'none',
      200,
      capabilities,
      `500 if the ${plural(plan.length, 'feature')} of ${name} cannot be listed`,
    ),
    block(
      'GET',
      '/state',
      'none',
      200,
      { uptime_seconds: 12.5, requests_total: 42 + plan.length, errors_total: 0, started_at: TIMESTAMP },
      `500 if the counters of ${name} cannot be read`,
    ),
    block(
      'GET',
      '/dependencies',
      'none',
      200,
      dependencies,
      upstreams.length > 0
        ? `500 if a status check of ${upstreams.join(' or ')} raises instead of timing out after ${TIMEOUT_S} s`
        : `500 if the dependency list of ${name} cannot be built`,
    ),
    block(
      'POST',
      '/message',
      code(inlineJsonText(envelope)),
      202,
      { received: true, trace_id: `trace-${name}-0001` },
      `422 malformed envelope (a missing field or a payload that is not an object); ${name} never answers 5xx to a bad envelope`,
    ),
  ];
}

export function featureBlock(endpoint: PlannedEndpoint): { key: string; lines: string[] } {
  return {
    key: endpointKey(endpoint),
    lines: [
      `### ${endpoint.method} ${endpoint.path}`,
      `- Feature: ${endpoint.feature}`,
      `- Request: ${endpoint.request ? code(inlineJsonText(endpoint.request)) : 'none'}`,
      `- Response: ${endpoint.status} ${code(inlineJsonText(endpoint.response))}`,
      `- Errors: ${endpoint.errors.join('; ')}`,
    ],
  };
}

function modelRows(kind: string, body: { [key: string]: Json } | undefined, json?: string): string[] {
  if (!body) return [];
  // `10.00` parses as 10: where the SPEC wrote a decimal, the type is a number, as models.py's float.
  const floats = floatPaths(body, json);
  const typeOf = (field: string, value: Json) =>
    typeof value === 'number' && floats.has(pathKey([field])) ? 'number' : jsonType(value);
  return Object.entries(body).map(
    ([field, value]) =>
      `| ${kind} | ${code(field)} | ${typeOf(field, value)} | ${code(inlineJsonText(value))} |`,
  );
}

/** An endpoint as the Data Models section restates it: its model's name and its example bodies. */
export interface ModelledEndpoint {
  method: string;
  path: string;
  feature: string;
  /** PascalCase model name; the bodies are `<model>Request` and `<model>Response`. */
  model: string;
  request?: { [key: string]: Json };
  response?: { [key: string]: Json };
  /** The JSON text of each example as the SPEC wrote it, where there is one (how its numbers were written). */
  requestJson?: string;
  responseJson?: string;
}

/** The pydantic models of the UDC bodies, as the shared runtime (assembly_line_runtime/models.py) names them. */
const UDC_MODELS = [
  'HealthResponse',
  'CapabilitiesResponse',
  'StateResponse',
  'DependenciesResponse',
  'MessageEnvelope',
  'MessageReceipt',
] as const;

/**
 * The Data Models section of `name`'s feature endpoints: one table per endpoint restating the keys,
 * JSON types and values of its examples under API. The offline writer and the SPEC completion both
 * write it, so a SPEC's models always agree with its examples.
 */
export function dataModelsBody(name: string, endpoints: readonly ModelledEndpoint[]): string[] {
  const models: string[] = [
    `The pydantic models of ${name} follow the JSON examples under API: one model per body, one field per key.`,
    `The UDC bodies (${UDC_MODELS.slice(0, -1).map(code).join(', ')} and ${code(UDC_MODELS.at(-1)!)}) are the shared runtime's models, the same in every service.`,
    '',
    ...endpoints.flatMap((e) => [
      `### ${e.model} (${code(`${e.method} ${e.path}`)})`,
      '',
      `Serves ${e.feature}.`,
      '',
      '| body | field | type | example |',
      '| --- | --- | --- | --- |',
      ...modelRows(`${e.model}Request`, e.request, e.requestJson),
      ...modelRows(`${e.model}Response`, e.response, e.responseJson),
      '',
    ]),
  ];
  while (models[models.length - 1] === '') models.pop();
  return models;
}

/**
 * The Non-functional list of Requirements: the service level of the intent's priority (latency,
 * throughput, availability, start-up, memory, recovery), for `first`, its first feature endpoint.
 */
export function nonFunctionalBody(
  intent: Intent,
  first: { method: string; path: string } | undefined,
): string[] {
  const name = intent.service_name;
  const level = serviceLevel(intent);
  const firstPath = first ? `${first.method} ${first.path}` : 'GET /health';
  return [
    `- Latency: p95 under ${level.p95Ms} ms and p99 under ${level.p99Ms} ms for ${code(firstPath)} and every other endpoint of ${name}, at ${level.rps} requests per second.`,
    `- Throughput: ${name} sustains ${level.rps} requests per second for 10 minutes with an error rate under 1%.`,
    `- Availability: ${level.availability}% of health checks over 30 days answer \`active\` (priority ${intent.priority}, ${level.tier}).`,
    `- Start-up: ${name} answers ${code('GET /health')} within 10 s of process start.`,
    `- Memory: the resident set size of ${name} stays under ${level.memoryMiB} MiB at ${level.rps} requests per second.`,
    `- Recovery: after a crash, ${name} is serving again within ${level.recoveryS} s.`,
  ];
}

/**
 * A feature endpoint as its API block states it, and as readSpec reads it back: the sections below
 * restate these fields, so the offline writer and the SPEC completion write them alike.
 */
export interface StatedEndpoint {
  method: string;
  path: string;
  feature: string;
  /** The success status of its `Response:` line. */
  status: number;
  /** The `;`-separated parts of its `Errors:` line. */
  errors: readonly string[];
}

/**
 * The Error Handling section: what every service answers to bad input, unknown paths, failing
 * dependencies and crashes, and each feature endpoint's errors as its `Errors:` line states them.
 */
export function errorHandlingBody(intent: Intent, endpoints: readonly StatedEndpoint[]): string[] {
  const name = intent.service_name;
  const deps = intent.dependencies;
  const upstreams = deps.filter((d) => !isInfrastructure(d));
  return [
    `- Invalid input: a body or parameter that does not match its model answers 422 with a ${code('detail')} list naming each field; ${name} answers no 500 for bad input.`,
    `- Unknown paths answer 404 and known paths with the wrong method answer 405, both with a JSON ${code('detail')}.`,
    ...endpoints
      .filter((e) => e.errors.length > 0)
      .map((e) => `- ${code(`${e.method} ${e.path}`)} (${cell(e.feature)}): ${e.errors.join('; ')}.`),
    upstreams.length > 0
      ? `- Failing dependencies: a call to ${upstreams.join(' or ')} that times out after ${TIMEOUT_S} s is retried once, then answered with 503 and \`Retry-After: ${RETRY_S}\`.`
      : `- Failing dependencies: ${deps.length > 0 ? `${deps.join(' and ')} never ${deps.length === 1 ? 'blocks' : 'block'} a request of ${name}` : `${name} has none, so no request waits on another service`}.`,
    `- Unexpected exceptions answer 500 with ${code('{"detail": "internal error"}')}, add 1 to ${code('errors_total')} and are logged with the request's trace id.`,
  ];
}

/**
 * The Success Criteria section: each feature endpoint's status and latency under the service level
 * of the intent's priority, then the UDC, coverage, health and throughput targets.
 */
export function successCriteriaBody(intent: Intent, endpoints: readonly StatedEndpoint[]): string[] {
  const name = intent.service_name;
  const level = serviceLevel(intent);
  return [
    ...endpoints.map(
      (e) =>
        `- ${code(`${e.method} ${e.path}`)} (${cell(e.feature)}) answers ${e.status} ${e.status === 204 ? 'with no body' : 'with the documented body'} in 100% of contract tests, with p95 latency under ${level.p95Ms} ms.`,
    ),
    `- 5 of 5 UDC endpoints of ${name} pass UDC verification after each deploy.`,
    `- Line coverage of the tests of ${name} is at least 70%.`,
    `- ${code('GET /health')} answers \`active\` within 30 s of each deploy, and availability stays at or above ${level.availability}% over 30 days.`,
    `- ${name} sustains ${level.rps} requests per second with an error rate under 1%.`,
  ];
}

/**
 * The Testing section: the feature tests the service's own suite holds (the shared runtime tests the
 * UDC endpoints), the coverage gate and the lint.
 */
export function testingBody(
  intent: Intent,
  endpoints: readonly { method: string; path: string }[],
): string[] {
  const name = intent.service_name;
  const listed = endpoints.map((e) => code(`${e.method} ${e.path}`)).join(', ');
  return [
    `- Unit tests (${code('tests/test_features.py')}) call the ${plural(endpoints.length, 'feature endpoint')} of ${name}${listed ? ` (${listed})` : ''} through FastAPI's TestClient, each with its example under API, its values varied.`,
    `- Each feature endpoint answers the status and JSON shape of its example under API; one that takes a body answers a 4xx to a body its Data Models refuse and to broken JSON (${code('tests/test_spec_contract.py')}, which the pipeline writes).`,
    `- The five UDC endpoints are tested by the shared runtime's own suite, and after each build the UDC answers of ${name} are checked against their schemas.`,
    `- Coverage: line coverage of ${code('app/')} is at least 70% (${code('pytest --cov=app --cov-fail-under=70')}), not counting the ${code('app/main.py')} and ${code('app/models.py')} the pipeline writes; below 70% the build of ${name} fails.`,
    `- Lint: ${code('pyflakes')} reports 0 errors.`,
  ];
}

/** A feature endpoint's failure requirement: its id (`FR-2.1`), its path and its `Errors:` parts. */
export interface FailureRequirement {
  id: string;
  path: string;
  errors: readonly string[];
}

/**
 * The lines that end the Functional list of Requirements: each feature endpoint's failure requirement
 * (the status of its first error, `detail`, `errors_total`), then FR-U1 (the UDC endpoints) and FR-U2
 * (the dependency checks).
 */
export function functionalPipelineLines(intent: Intent, failures: readonly FailureRequirement[]): string[] {
  const name = intent.service_name;
  const deps = intent.dependencies;
  return [
    ...failures.map((f) => {
      // The first status code its Errors line states ("HTTP 404 when missing"), else that of invalid input.
      const status = /\b[1-5]\d\d\b/.exec(f.errors.join('; '))?.[0] ?? '422';
      return `- ${f.id}: when a call to ${code(f.path)} fails, ${name} answers ${status} with a JSON ${code('detail')} that names the reason, and counts it in ${code('errors_total')}.`;
    }),
    `- FR-U1: ${name} answers the five UDC endpoints (${UDC_ENDPOINTS.map((e) => code(`${e.method} ${e.path}`)).join(', ')}) exactly as listed under API.`,
    deps.length > 0
      ? `- FR-U2: ${name} checks ${deps.length === 1 ? `its dependency ${deps[0]}` : `each of its ${deps.length} dependencies`} at most every ${RETRY_S} s and reports the result in ${code('GET /dependencies')}.`
      : `- FR-U2: ${name} reports an empty list in ${code('GET /dependencies')}, since it calls no other service.`,
  ];
}

/** A key feature, the endpoints that serve it and the functional requirements that state it. */
export interface FeatureTrace {
  feature: string;
  /** `METHOD /path` of each endpoint. */
  endpoints: readonly string[];
  /** Requirement ids, `FR-1`. */
  requirements: readonly string[];
}

/**
 * The list that ends Purpose & Scope: each key feature with its endpoints and requirements, in the
 * intent's order. It restates the Requirements and the API, so the pipeline writes it.
 */
export function featureMapLines(intent: Intent, traces: readonly FeatureTrace[]): string[] {
  const count = plural(traces.length, 'key feature');
  const oneEach = traces.every((t) => t.endpoints.length === 1);
  return [
    oneEach
      ? `It offers ${count}, each served by one endpoint on port ${intent.port}:`
      : `It offers ${count}, served on port ${intent.port} by these endpoints:`,
    ...traces.map((t) => {
      const refs = [...t.endpoints.map(code), ...t.requirements];
      return `- ${oneLine(t.feature)}${refs.length > 0 ? ` (${refs.join(', ')})` : ''}`;
    }),
  ];
}

/** The lines that open the API section: facts of the runtime, the same for every service but its port. */
export function apiOpeningLines(intent: Intent): string[] {
  return [
    `${intent.service_name} listens on port ${intent.port}. Bodies are JSON (${code('application/json')}); error bodies are ${code('{"detail": "..."}')}.`,
    'Each endpoint below names the key feature it serves (UDC for the five endpoints every service answers).',
  ];
}

/** The body of each section, heading excluded. */
export function sectionBodies(
  intent: Intent,
  plan: readonly PlannedEndpoint[],
): Record<SpecSection, string[]> {
  const name = intent.service_name;
  const level = serviceLevel(intent);
  const featureCount = plural(plan.length, 'key feature');

  const purpose: string[] = [
    `${code(name)} is ${ROLE[intent.service_type]}.`,
    `Purpose, from its intent: ${oneLine(intent.purpose)}`,
    '',
    `In scope for ${name}: its ${featureCount} and their endpoints (listed below), the five UDC endpoints, input validation, and the counters reported by ${code('GET /state')}.`,
    `Out of scope for ${name}: anything its intent does not list as a key feature, a graphical user interface, and state that must outlive a restart.`,
    `Priority: ${intent.priority} (${level.tier}); the SPEC line starts work on it ${level.start}.`,
    '',
    ...featureMapLines(
      intent,
      plan.map((e) => ({
        feature: e.feature,
        endpoints: [`${e.method} ${e.path}`],
        requirements: [`FR-${e.index + 1}`],
      })),
    ),
  ];

  const requirements: string[] = [
    '### Functional',
    '',
    ...plan.map((e) => `- FR-${e.index + 1} (${e.feature}): ${code(`${e.method} ${e.path}`)} ${e.action}.`),
    ...functionalPipelineLines(
      intent,
      plan.map((e) => ({ id: `FR-${e.index + 1}.1`, path: e.path, errors: e.errors })),
    ),
    '',
    '### Non-functional',
    '',
    ...nonFunctionalBody(intent, plan[0]),
  ];

  const api: string[] = [
    ...apiOpeningLines(intent),
    '',
    ...udcBlocks(intent, plan).flatMap((b) => [...b.lines, '']),
    ...plan.flatMap((e) => [...featureBlock(e).lines, '']),
  ];
  while (api[api.length - 1] === '') api.pop();

  const standard = standardSectionBodies(intent);
  return {
    'Purpose & Scope': purpose,
    Requirements: requirements,
    API: api,
    'Data Models': dataModelsBody(name, plan),
    Dependencies: standard.Dependencies,
    Configuration: standard.Configuration,
    'Error Handling': errorHandlingBody(intent, plan),
    Security: standard.Security,
    Testing: testingBody(intent, plan),
    Deployment: standard.Deployment,
    'Success Criteria': successCriteriaBody(intent, plan),
  };
}

/** The sections that follow from the intent alone, the same in every SPEC of it whoever writes the rest. */
export type StandardSection = 'Dependencies' | 'Configuration' | 'Security' | 'Deployment';

/** The bodies of the sections that the intent alone determines, heading excluded. */
export function standardSectionBodies(intent: Intent): Record<StandardSection, string[]> {
  const name = intent.service_name;
  const deps = intent.dependencies;
  const dependencies: string[] =
    deps.length === 0
      ? [
          `None: ${name} calls no other service, so it starts, serves and passes its health check on its own.`,
          `${code('GET /dependencies')} answers ${code('{"dependencies": []}')} and no endpoint of ${name} waits on a network call.`,
          `Adding a dependency later means adding it to the intent first; the SPEC is then regenerated.`,
        ]
      : [
          `${name} has ${plural(deps.length, 'dependency', 'dependencies')}. Each call to one has a ${TIMEOUT_S} s timeout, and ${code('GET /dependencies')} reports each as \`available\`, \`unavailable\` or \`unknown\`.`,
          '',
          ...deps.flatMap((d) => {
            const { use, whenDown } = dependencyUse(d, intent);
            return [`- ${d}: ${use}.`, `  When ${d} is down: ${whenDown}.`];
          }),
        ];

  const configuration: string[] = [
    `${name} reads its settings from environment variables; each has a default, so it starts with none set.`,
    '',
    '| variable | default | meaning |',
    '| --- | --- | --- |',
    `| ${code('PORT')} | ${code(String(intent.port))} | TCP port ${name} listens on; the intent fixes it at ${intent.port} |`,
    `| ${code('SERVICE_NAME')} | ${code(name)} | name reported by ${code('/health')} and ${code('/capabilities')} |`,
    `| ${code('SERVICE_VERSION')} | ${code(VERSION)} | semantic version reported by ${code('/health')} |`,
    `| ${code('LOG_LEVEL')} | ${code(intent.priority === 'critical' ? 'warning' : 'info')} | log level of ${name} (debug, info, warning, error) |`,
    ...deps.map(
      (d) =>
        `| ${code(`${d.toUpperCase().replace(/-/g, '_')}_URL`)} | unset | base URL of ${d}; while unset, ${d} is reported as \`unknown\` |`,
    ),
    `| ${code('DEPENDENCY_TIMEOUT_S')} | ${code(String(TIMEOUT_S))} | timeout in seconds of each call ${name} makes to a dependency |`,
  ];

  const security: string[] = [
    `- Input: every body is parsed by a pydantic model before use; request bodies over 1 MiB are refused with 413, and no field of ${name} is passed to a shell or a query string.`,
    `- Secrets: ${name} keeps none in code, SPEC or logs; any credential comes from the environment and is redacted from log lines.`,
    `- Exposure: ${name} binds to port ${intent.port}; locally it listens on 127.0.0.1:${intent.port}, and in production it sits behind TLS.`,
    `- Messages: ${code('POST /message')} accepts only a well-formed envelope whose ${code('target')} is ${code(name)}; the payload is treated as data, never executed.`,
    `- Errors: ${name} returns no stack trace to a caller; the ${code('detail')} says what was wrong.`,
  ];

  const deployment: string[] = [
    `- Runtime: Python 3 with FastAPI, from ${code(`services/${name}/`)}, started as ${code(`uvicorn app.main:app --host 0.0.0.0 --port ${intent.port}`)}.`,
    `- Build: ${intent.auto_build ? 'the build line starts once the SPEC pull request is merged' : 'auto_build is false, so the line stops after the SPEC pull request until someone starts the build'}.`,
    `- Approval: ${approvalText(intent)}.`,
    `- Targets: ${intent.deploy_local ? 'deployed to the local target' : 'not deployed locally'}${intent.deploy_production ? ' and to production over SSH' : '; production deploy is off in the intent'}.`,
    `- Cutover: each release of ${name} starts beside the current one; ${code('GET /health')} is polled for up to 30 s until \`active\`, then traffic switches and the old release stops. If health fails, the new release stops and the old one keeps serving.`,
    `- Registration: after the health check passes, ${name} is registered with its URL on port ${intent.port} and its release id.`,
  ];

  return {
    Dependencies: dependencies,
    Configuration: configuration,
    Security: security,
    Deployment: deployment,
  };
}

function approvalText(intent: Intent): string {
  switch (intent.approval_mode) {
    case 'auto':
      return `approval mode auto: the SPEC pull request of ${intent.service_name} merges once the gate passes, and deploys run without a wait`;
    case 'final':
      return `approval mode final: the SPEC merges once the gate passes, and a person approves the deploy of ${intent.service_name}`;
    default:
      return `approval mode checkpoints: a person approves the SPEC pull request of ${intent.service_name}, then the deploy`;
  }
}

export function specTitle(intent: Intent): string {
  return `# ${intent.service_name} — SPEC`;
}
