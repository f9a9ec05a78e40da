import type { Intent } from '../intent/schema.js';
import { serviceModelsPy } from '../llm/offline/service/models.js';
import type { FileMap } from '../ports/index.js';
import { mainPy, mergedRequirements } from '../runtime/scaffold.js';
import { runtimeSources } from '../runtime/service-runtime.js';

/**
 * The whole service folder: the generated files with the pipeline's own added (and `requirements.txt`
 * merged): the vendored runtime, `app/main.py`, `app/models.py` (the models and examples of the SPEC's
 * feature endpoints, the offline generator's rendering for every provider) and `pytest.ini`.
 * Generated files must already have passed the file guard, which refuses pipeline-owned paths.
 */
export function assembleService(intent: Intent, spec: string, generated: FileMap): FileMap {
  const prefix = `services/${intent.service_name}/`;
  const files: FileMap = { ...generated };
  files[`${prefix}requirements.txt`] = mergedRequirements(generated[`${prefix}requirements.txt`]);
  files[`${prefix}app/__init__.py`] ??= `"""The ${intent.service_name} service."""\n`;
  files[`${prefix}app/main.py`] = mainPy(intent, spec);
  files[`${prefix}app/models.py`] = serviceModelsPy(intent, spec);
  files[`${prefix}pytest.ini`] = '[pytest]\npythonpath = .\ntestpaths = tests\n';
  for (const [path, text] of Object.entries(runtimeSources().files)) files[`${prefix}${path}`] = text;
  return files;
}
