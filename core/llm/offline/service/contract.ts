import type { Intent } from '../../../intent/schema.js';
import { pyLiteral } from '../../../runtime/python-literal.js';
import { exampleKey } from './models.js';
import type { FeatureRoute, RoutePlan } from './routes.js';

/**
 * `tests/test_spec_contract.py` of a service: each SPEC route with a typed request body refuses a body its
 * model (in `app/models.py`) refuses, and broken JSON, with a 4xx. The pipeline writes it for every
 * provider, so the SPEC's Data Models hold whatever feature code a model writes, and no model pays
 * output tokens for tests that follow from the SPEC alone. FastAPI answers such a body 422 before the
 * handler runs; a dependency that runs first may answer its own 4xx instead (401 without a key, 404 for
 * the sample id in the URL), which is a refusal too. A 2xx or a 5xx means the body got through.
 */

/** A body the route's model must refuse, or null when every body fits (no body, or no required field). */
function refusedBody(route: FeatureRoute, plan: RoutePlan): unknown {
  if (route.origin !== 'spec' || route.body.kind !== 'typed') return null;
  const type = route.body.type;
  if (type.kind === 'list') return { not: 'a list' };
  if (type.kind === 'model') {
    const model = plan.models.find((m) => m.name === type.name);
    return model?.fields.some((f) => !f.optional) ? {} : null;
  }
  if (type.kind === 'str' || type.kind === 'int' || type.kind === 'float' || type.kind === 'bool') return [];
  return null;
}

/** The contract tests of `plan`'s SPEC routes, or undefined when no route has a body to refuse. */
export function specContractTestsPy(intent: Intent, plan: RoutePlan): string | undefined {
  const cases = plan.routes.flatMap((route) => {
    const refused = refusedBody(route, plan);
    return refused === null ? [] : [[exampleKey(route), route.sampleUrl, refused]];
  });
  if (cases.length === 0) return undefined;
  return `"""The ${intent.service_name} service's SPEC contract, written by Assembly Line: each route with a typed body
refuses a body its model in app/models.py refuses, and broken JSON, with a 4xx (FastAPI's 422, or the 4xx
of a dependency that runs first)."""
import pytest

# Each route, a URL it answers at, and a body its model refuses.
REFUSED = [
${cases.map((c) => `    ${pyLiteral(c)},\n`).join('')}]


@pytest.mark.parametrize("route, url, body", REFUSED, ids=[case[0] for case in REFUSED])
def test_route_refuses_a_body_its_model_refuses(client, route, url, body):
    method = route.split(" ")[0]
    refused = client.request(method, url, json=body)
    assert 400 <= refused.status_code < 500, (refused.status_code, refused.text)
    broken = client.request(method, url, content=b"{broken", headers={"Content-Type": "application/json"})
    assert 400 <= broken.status_code < 500, (broken.status_code, broken.text)
`;
}
