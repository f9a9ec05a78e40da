import type { Intent } from '../intent/schema.js';
import { readSpec } from '../spec/document/index.js';
import { pyStr as pythonString } from './python-literal.js';
import { RUNTIME_PACKAGE } from './service-runtime.js';

/**
 * The files of a service the pipeline writes, not the model: the vendored runtime, `app/main.py`
 * (which mounts the runtime and the feature router), `pytest.ini` and the base requirements; and
 * `app/models.py`, the root `conftest.py` and `tests/test_spec_contract.py` from the SPEC
 * (core/build/assemble-service.ts). A model (or the offline generator) writes only `app/features.py`,
 * the helpers it needs, and the feature tests.
 */

/** Lower bounds only, so Debian's FastAPI 0.92 / pydantic 1.10 satisfy them as well as current ones. */
export const BASE_REQUIREMENTS = ['fastapi>=0.92', 'uvicorn>=0.17', 'pydantic>=1.10', 'httpx>=0.23'];

/** Files of `app/` the pipeline writes; coverage leaves them out, as it does the runtime. */
export const PIPELINE_APP_FILES = ['app/main.py', 'app/models.py'] as const;

/** The tests' shared fixtures, beside pytest.ini, so a model's own `tests/conftest.py` does not clash. */
export const PIPELINE_CONFTEST = 'conftest.py';

/** The SPEC's contract tests (core/llm/offline/service/contract.ts). */
export const SPEC_CONTRACT_TESTS = 'tests/test_spec_contract.py';

/** Paths inside `services/<name>/` that only the pipeline writes; model output naming them is refused. */
export const PIPELINE_OWNED = [
  `${RUNTIME_PACKAGE}/`,
  ...PIPELINE_APP_FILES,
  'pytest.ini',
  PIPELINE_CONFTEST,
  SPEC_CONTRACT_TESTS,
] as const;

/** Why a path relative to the service folder belongs to the pipeline, or undefined when it does not. */
export function pipelineOwnedReason(relative: string): string | undefined {
  const folded = relative.toLowerCase();
  if (folded === RUNTIME_PACKAGE || folded.startsWith(`${RUNTIME_PACKAGE}/`))
    return `${RUNTIME_PACKAGE}/ is the vendored service runtime; the pipeline writes it`;
  if (folded === 'app/models.py')
    return `${relative} is written by the pipeline from the SPEC's JSON examples; import its models and EXAMPLES (from app.models import ...) and write the feature routes in app/features.py`;
  if (folded === SPEC_CONTRACT_TESTS)
    return `${relative} is written by the pipeline from the SPEC (each route refuses a body its model refuses); write the feature tests in tests/test_features.py`;
  if (folded === PIPELINE_CONFTEST)
    return `${relative} is written by the pipeline (the \`client\` fixture); put fixtures of your own in tests/conftest.py`;
  if (PIPELINE_OWNED.includes(folded as (typeof PIPELINE_OWNED)[number]))
    return `${relative} is written by the pipeline; write the feature routes in app/features.py`;
  return undefined;
}

/** The success status of POST /message: the SPEC's when it names a 2xx with a body, else 202 Accepted. */
export function messageStatusOf(spec: string): number {
  const status = readSpec(spec).endpoints.find(
    (e) => e.method === 'POST' && e.path === '/message',
  )?.responseStatus;
  return status !== undefined && status >= 200 && status < 300 && status !== 204 ? status : 202;
}

/**
 * The root `conftest.py`: the `client` fixture every test of the service shares (the app started with
 * its lifespan, for one test). The app is imported when a test asks for it, so an import error shows as
 * that test's error, not as a conftest that pytest cannot load.
 */
export function conftestPy(intent: Intent): string {
  return `"""Fixtures shared by the ${intent.service_name} service's tests, written by Assembly Line."""
import pytest


@pytest.fixture
def client():
    """A test client of the service's app (app.main.app), started for one test."""
    from starlette.testclient import TestClient

    from app.main import app

    with TestClient(app) as test_client:
        yield test_client
`;
}

export function mainPy(intent: Intent, spec: string): string {
  const list = (values: readonly string[]) =>
    values.length === 0 ? '[]' : `[\n${values.map((v) => `        ${pythonString(v)},\n`).join('')}    ]`;
  return `"""HTTP entry point of the ${intent.service_name} service, written by Assembly Line.

The shared runtime (${RUNTIME_PACKAGE}) serves the five UDC endpoints; app/features.py the SPEC's routes.
"""
from ${RUNTIME_PACKAGE} import ServiceInfo, create_app, serve

from app.features import router

SERVICE = ServiceInfo(
    name=${pythonString(intent.service_name)},
    port=${intent.port},
    features=${list(intent.key_features)},
    dependencies=${list(intent.dependencies)},
    message_status=${messageStatusOf(spec)},
)

app = create_app(SERVICE, router)

if __name__ == "__main__":  # pragma: no cover - runs as a program, not in tests
    serve(app)
`;
}

const REQUIREMENT_NAME = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/;

function requirementName(line: string): string | undefined {
  return REQUIREMENT_NAME.exec(line)?.[1]?.toLowerCase().replace(/[._]/g, '-');
}

/** The base requirements, then the lines a model added for packages the base does not name. */
export function mergedRequirements(generated: string | undefined): string {
  const base = new Set(BASE_REQUIREMENTS.map((line) => requirementName(line)));
  const extra = (generated ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .filter((line) => {
      const name = requirementName(line);
      return name === undefined || !base.has(name);
    });
  return `${[...BASE_REQUIREMENTS, ...extra].join('\n')}\n`;
}
