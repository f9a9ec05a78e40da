import type { Intent } from '../intent/schema.js';
import { specContractTestsPy } from '../llm/offline/service/contract.js';
import { modelsPy } from '../llm/offline/service/models.js';
import { planRoutes } from '../llm/offline/service/routes.js';
import type { FileMap } from '../ports/index.js';
import {
  conftestPy,
  mainPy,
  mergedRequirements,
  PIPELINE_CONFTEST,
  SPEC_CONTRACT_TESTS,
} from '../runtime/scaffold.js';
import { runtimeSources } from '../runtime/service-runtime.js';

/**
 * The whole service folder: the generated files with the pipeline's own added (and `requirements.txt`
 * merged): the vendored runtime, `app/main.py`, `app/models.py` (the models and examples of the SPEC's
 * feature endpoints, the offline generator's rendering for every provider), `pytest.ini`, the root
 * `conftest.py` (the tests' `client` fixture), `tests/__init__.py` and, when a route has a body to refuse,
 * `tests/test_spec_contract.py`.
 * Generated files must already have passed the file guard, which refuses pipeline-owned paths.
 */
export function assembleService(intent: Intent, spec: string, generated: FileMap): FileMap {
  const prefix = `services/${intent.service_name}/`;
  const files: FileMap = { ...generated };
  files[`${prefix}requirements.txt`] = mergedRequirements(generated[`${prefix}requirements.txt`]);
  files[`${prefix}app/__init__.py`] ??= `"""The ${intent.service_name} service."""\n`;
  files[`${prefix}app/main.py`] = mainPy(intent, spec);
  // One plan of the SPEC's routes for both files that restate them.
  const plan = planRoutes(intent, spec);
  files[`${prefix}app/models.py`] = modelsPy(intent, plan);
  files[`${prefix}pytest.ini`] = '[pytest]\npythonpath = .\ntestpaths = tests\n';
  files[`${prefix}${PIPELINE_CONFTEST}`] = conftestPy(intent);
  files[`${prefix}tests/__init__.py`] ??= '';
  const contract = specContractTestsPy(intent, plan);
  if (contract !== undefined) files[`${prefix}${SPEC_CONTRACT_TESTS}`] = contract;
  for (const [path, text] of Object.entries(runtimeSources().files)) files[`${prefix}${path}`] = text;
  return files;
}
