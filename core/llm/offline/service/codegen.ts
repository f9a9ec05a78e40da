import { type Intent, SERVICE_NAME_PATTERN } from '../../../intent/schema.js';
import type { FileMap } from '../../../ports/index.js';
import { runtimeModule } from '../../../runtime/service-runtime.js';
import { UDC_ENDPOINTS } from '../../../spec/sections.js';
import { pyLiteral, pyStr } from './python-literal.js';
import { type FeatureRoute, type PyModel, type PyType, planRoutes, type RoutePlan } from './routes.js';

/**
 * The offline code generator: a working FastAPI service from the intent and the SPEC's API section,
 * deterministically and without a model. Intent and SPEC text only ever reach the Python source as
 * escaped string literals (`pyStr`), and every name derived from them is a sanitised identifier.
 */

export const DEFAULT_SERVICE_VERSION = '1.0.0';

/** Dependencies the build installs; lower bounds only, so the system's Debian packages satisfy them. */
export const REQUIREMENTS = ['fastapi>=0.92', 'uvicorn>=0.17', 'pydantic>=1.10', 'httpx>=0.23'];

export function servicePrefix(intent: Intent): string {
  if (!SERVICE_NAME_PATTERN.test(intent.service_name))
    throw new Error(
      `service_name: '${intent.service_name}' is not a valid service name; cannot generate code`,
    );
  return `services/${intent.service_name}/`;
}

export function generateServiceOffline(intent: Intent, spec: string): FileMap {
  const prefix = servicePrefix(intent);
  const plan = planRoutes(intent, spec);
  return {
    [`${prefix}requirements.txt`]: `${REQUIREMENTS.join('\n')}\n`,
    // The test layout belongs to the service, not to the tests: test generation may only write tests/.
    [`${prefix}pytest.ini`]: '[pytest]\npythonpath = .\ntestpaths = tests\n',
    [`${prefix}app/__init__.py`]: `"""The ${intent.service_name} service."""\n`,
    [`${prefix}app/config.py`]: configPy(intent),
    [`${prefix}app/logs.py`]: runtimeModule('logs.py'),
    [`${prefix}app/models.py`]: modelsPy(intent, plan),
    [`${prefix}app/udc.py`]: runtimeModule('udc.py'),
    [`${prefix}app/registration.py`]: runtimeModule('registration.py'),
    [`${prefix}app/shaping.py`]: runtimeModule('shaping.py'),
    [`${prefix}app/main.py`]: mainPy(intent, plan),
  };
}

function configPy(intent: Intent): string {
  return `"""Configuration of the ${intent.service_name} service, read from the environment."""
import os
import re
from typing import List, Mapping, NamedTuple, Optional, Tuple

SERVICE_NAME = ${pyStr(intent.service_name)}
DEFAULT_PORT = ${intent.port}
DEFAULT_HOST = "127.0.0.1"
DEFAULT_VERSION = ${pyStr(DEFAULT_SERVICE_VERSION)}
FEATURES: List[str] = ${pyLiteral(intent.key_features)}
DEPENDENCIES: List[str] = ${pyLiteral(intent.dependencies)}

SEMVER = re.compile(
    r"^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$"
)
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


class ConfigError(ValueError):
    """A configuration value from the environment is unusable."""


class Settings(NamedTuple):
    port: int
    host: str
    version: str
    registry_url: Optional[str]
    service_url: str
    # The deploy's release id (ASSEMBLY_LINE_RELEASE_ID), reported to the registry when set.
    release_id: Optional[str] = None
    # Values that were set but unusable and replaced by a default; logged at start-up.
    notes: Tuple[str, ...] = ()


def load_settings(environ: Optional[Mapping[str, str]] = None) -> Settings:
    """PORT, HOST, SERVICE_VERSION, REGISTRY_URL and SERVICE_URL, with the intent's defaults."""
    env = os.environ if environ is None else environ
    raw_port = env.get("PORT", "").strip()
    if raw_port and not (raw_port.isdigit() and 1 <= int(raw_port) <= 65535):
        raise ConfigError("PORT must be a whole number from 1 to 65535, not %r" % raw_port)
    port = int(raw_port) if raw_port else DEFAULT_PORT
    host = env.get("HOST", "").strip() or DEFAULT_HOST
    notes = []
    version = env.get("SERVICE_VERSION", "").strip() or DEFAULT_VERSION
    if not SEMVER.match(version):
        # /health must answer a semantic version; a deploy tag such as a release id must not stop the service.
        notes.append("SERVICE_VERSION %r is not a semantic version; serving %s" % (version, DEFAULT_VERSION))
        version = DEFAULT_VERSION
    registry_url = env.get("REGISTRY_URL", "").strip().rstrip("/") or None
    advertised = "127.0.0.1" if host in WILDCARD_HOSTS else host
    if ":" in advertised:
        advertised = "[%s]" % advertised
    service_url = env.get("SERVICE_URL", "").strip().rstrip("/") or "http://%s:%d" % (advertised, port)
    release_id = env.get("ASSEMBLY_LINE_RELEASE_ID", "").strip() or None
    return Settings(port, host, version, registry_url, service_url, release_id, tuple(notes))


def dependency_env_name(name: str) -> str:
    return "DEPENDENCY_" + re.sub(r"[^A-Z0-9]", "_", name.upper()) + "_URL"


def dependency_url(name: str, environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """DEPENDENCY_<NAME>_URL; for the registry, REGISTRY_URL when that is not set."""
    env = os.environ if environ is None else environ
    url = env.get(dependency_env_name(name), "").strip()
    if not url and name == "registry":
        url = env.get("REGISTRY_URL", "").strip()
    return url.rstrip("/") or None
`;
}

/** Python source of a type; model names are qualified with `qualifier` (e.g. "models."). */
export function renderType(type: PyType, used: Set<string>, qualifier = ''): string {
  switch (type.kind) {
    case 'str':
    case 'int':
    case 'float':
    case 'bool':
      return type.kind;
    case 'any':
      used.add('Any');
      return 'Any';
    case 'dict':
      used.add('Dict').add('Any');
      return 'Dict[str, Any]';
    case 'model':
      return `${qualifier}${type.name}`;
    case 'list':
      used.add('List');
      return `List[${renderType(type.item, used, qualifier)}]`;
  }
}

const UDC_MODELS_PY = `class HealthResponse(BaseModel):
    status: str
    service: str
    version: str
    timestamp: str


class EndpointInfo(BaseModel):
    method: str
    path: str


class CapabilitiesResponse(BaseModel):
    service: str
    version: str
    features: List[str]
    dependencies: List[str]
    endpoints: List[EndpointInfo]


class StateResponse(BaseModel):
    uptime_seconds: float
    requests_total: int
    errors_total: int
    started_at: str


class DependencyStatus(BaseModel):
    name: str
    status: str


class DependenciesResponse(BaseModel):
    dependencies: List[DependencyStatus]


class MessageEnvelope(BaseModel):
    """The UDC message envelope; StrictStr refuses numbers where text is due, under pydantic 1 and 2."""

    trace_id: StrictStr
    source: StrictStr
    target: StrictStr
    message_type: StrictStr
    payload: Dict[str, Any]
    timestamp: StrictStr


class MessageReceipt(BaseModel):
    received: bool
    trace_id: str
`;

function modelsPy(intent: Intent, plan: RoutePlan): string {
  const used = new Set(['Any', 'Dict', 'List']);
  const pydantic = new Set(['BaseModel', 'StrictStr']);
  const classes = plan.models.map((model) => modelClass(model, used, pydantic));
  const typing = [...used].sort().join(', ');
  return [
    `"""Request and response models of the ${intent.service_name} service: the UDC's and each feature route's."""`,
    `from typing import ${typing}`,
    '',
    `from pydantic import ${[...pydantic].sort().join(', ')}`,
    '',
    '',
    [UDC_MODELS_PY, ...classes].join('\n\n'),
  ].join('\n');
}

function modelClass(model: PyModel, used: Set<string>, pydantic: Set<string>): string {
  const lines = [`class ${model.name}(BaseModel):`];
  for (const field of model.fields) {
    let type = renderType(field.type, used);
    let value: string | undefined;
    if (field.optional) {
      used.add('Optional');
      type = `Optional[${type}]`;
    }
    if (field.alias !== undefined) {
      pydantic.add('Field');
      value = `Field(${field.optional ? 'None' : '...'}, alias=${pyStr(field.alias)})`;
    } else if (field.optional) value = 'None';
    lines.push(`    ${field.name}: ${type}${value === undefined ? '' : ` = ${value}`}`);
  }
  if (model.fields.length === 0) lines.push('    pass');
  return `${lines.join('\n')}\n`;
}

function endpointList(routes: readonly { method: string; path: string }[]): string {
  return `[\n${routes.map((r) => `    {"method": ${pyStr(r.method)}, "path": ${pyStr(r.path)}},\n`).join('')}]`;
}

function mainPy(intent: Intent, plan: RoutePlan): string {
  const typing = new Set<string>();
  const fastapi = new Set(['FastAPI', 'Request']);
  const responses = new Set(['JSONResponse']);
  const handlers = plan.routes.map((route) => routeHandler(route, typing, fastapi, responses));
  const templates = plan.routes
    .filter((route) => route.template !== undefined)
    .map((route) => `    ${pyStr(route.handler)}: ${pyLiteral(route.template)},\n`)
    .join('');
  const imports = [
    `"""HTTP entry point of the ${intent.service_name} service: the five UDC endpoints and the feature routes."""`,
    'import inspect',
    'import logging',
    'import time',
    'from contextlib import asynccontextmanager',
  ];
  if (typing.size > 0) imports.push(`from typing import ${[...typing].sort().join(', ')}`);
  imports.push(
    '',
    'import uvicorn',
    `from fastapi import ${[...fastapi].sort().join(', ')}`,
    'from fastapi.exceptions import RequestValidationError',
    `from fastapi.responses import ${[...responses].sort().join(', ')}`,
    '',
    'from app import models',
    'from app.config import DEPENDENCIES, FEATURES, SERVICE_NAME, load_settings',
    'from app.logs import install_root_handler, log_event',
    'from app.registration import start_registration',
    'from app.shaping import respond as _respond',
    'from app.udc import Metrics, check_dependencies, read_envelope, utc_now_iso, validation_problems',
  );
  return `${imports.join('\n')}

if __name__ == "__main__":
    install_root_handler()

settings = load_settings()
metrics = Metrics()

UDC_ENDPOINTS = ${endpointList(UDC_ENDPOINTS)}
FEATURE_ENDPOINTS = ${endpointList(plan.routes)}
# Each feature route answers in the shape of its SPEC example.
_TEMPLATES = {
${templates}}


def _start() -> None:
    log_event(logging.INFO, "service starting", port=settings.port, version=settings.version)
    for note in settings.notes:
        log_event(logging.WARNING, note)
    start_registration(settings)


# FastAPI 0.93 added lifespan= and current Starlette dropped startup handlers; support both.
if "lifespan" in inspect.signature(FastAPI.__init__).parameters:

    @asynccontextmanager
    async def _lifespan(_app):
        _start()
        yield

    app = FastAPI(title=SERVICE_NAME, version=settings.version, lifespan=_lifespan)
else:
    app = FastAPI(title=SERVICE_NAME, version=settings.version)
    app.router.add_event_handler("startup", _start)


@app.middleware("http")
async def _count_requests(request: Request, call_next):
    metrics.count_request()
    started = time.perf_counter()
    try:
        response = await call_next(request)
    except Exception:
        metrics.count_error()
        log_event(logging.ERROR, "unhandled error", exc_info=True, method=request.method, path=request.url.path)
        return JSONResponse(status_code=500, content={"detail": "internal error"})
    if response.status_code >= 400:
        metrics.count_error()
    duration_ms = round((time.perf_counter() - started) * 1000, 2)
    log_event(
        logging.INFO, "request", method=request.method, path=request.url.path,
        status=response.status_code, duration_ms=duration_ms,
    )
    return response


@app.exception_handler(RequestValidationError)
async def _invalid_request(request: Request, exc: RequestValidationError):
    return JSONResponse(status_code=422, content={"detail": validation_problems(exc.errors())})


@app.get("/health", response_model=models.HealthResponse)
def health():
    return {"status": "active", "service": SERVICE_NAME, "version": settings.version, "timestamp": utc_now_iso()}


@app.get("/capabilities", response_model=models.CapabilitiesResponse)
def capabilities():
    return {
        "service": SERVICE_NAME,
        "version": settings.version,
        "features": list(FEATURES),
        "dependencies": list(DEPENDENCIES),
        "endpoints": UDC_ENDPOINTS + FEATURE_ENDPOINTS,
    }


@app.get("/state", response_model=models.StateResponse)
def state():
    return metrics.snapshot()


@app.get("/dependencies", response_model=models.DependenciesResponse)
def dependencies():
    return {"dependencies": check_dependencies(DEPENDENCIES)}


@app.post("/message", response_model=models.MessageReceipt, status_code=${plan.messageStatus})
async def message(request: Request):
    envelope, status, problems = read_envelope(await request.body())
    if envelope is None:
        return JSONResponse(status_code=status, content={"detail": problems})
    log_event(
        logging.INFO, "message received", trace_id=envelope.trace_id,
        source=envelope.source, message_type=envelope.message_type,
    )
    return {"received": True, "trace_id": envelope.trace_id}

${handlers.join('\n')}
if __name__ == "__main__":
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False)
`;
}

function routeHandler(
  route: FeatureRoute,
  typing: Set<string>,
  fastapi: Set<string>,
  responses: Set<string>,
) {
  const decorator = [pyStr(route.path)];
  if (route.status === 204) {
    responses.add('Response');
    decorator.push('status_code=204', 'response_class=Response');
  } else {
    decorator.push(`response_model=${renderType(route.responseType!, typing, 'models.')}`);
    if (route.status !== 200) decorator.push(`status_code=${route.status}`);
  }
  const params = route.params.map((param) => `${param.name}: str`);
  if (route.body.kind === 'typed') {
    fastapi.add('Body');
    params.push(`_body: ${renderType(route.body.type, typing, 'models.')} = Body(...)`);
  } else if (route.body.kind === 'free') {
    fastapi.add('Body');
    typing.add('Optional').add('Dict').add('Any');
    params.push('_body: Optional[Dict[str, Any]] = Body(None)');
  }
  const pathValues = `{${route.params.map((p) => `${pyStr(p.original)}: ${p.name}`).join(', ')}}`;
  // A free-form body is not a resource to echo field by field; it comes back whole, as "received".
  const body =
    route.body.kind === 'none' ? '' : route.body.kind === 'free' ? ', {"received": _body or {}}' : ', _body';
  const answer =
    route.status === 204
      ? '    return Response(status_code=204)'
      : `    return _respond(_TEMPLATES[${pyStr(route.handler)}], ${pathValues}${body})`;
  return `
@app.${route.method.toLowerCase()}(${decorator.join(', ')})
def ${route.handler}(${params.join(', ')}):
${answer}
`;
}
