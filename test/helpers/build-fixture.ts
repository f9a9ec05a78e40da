import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleService } from '../../core/build/assemble-service.js';
import { type Intent, IntentSchema } from '../../core/intent/schema.js';
import type { FileMap } from '../../core/ports/index.js';

export const FIXTURE_SERVICE = 'build-fixture';
const fixtureRoot = fileURLToPath(new URL('../fixtures/build-service/', import.meta.url));

/** The intent of the fixture service. */
export function fixtureIntent(serviceName = FIXTURE_SERVICE): Intent {
  return IntentSchema.parse({
    service_name: serviceName,
    service_type: 'domain',
    purpose: 'Quote prices',
    key_features: ['POST /quote endpoint'],
    port: 9100,
  });
}

/** The hand-written files of the fixture, as a model would write them (feature code and tests). */
function writtenFiles(serviceName: string): FileMap {
  const files: FileMap = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '__pycache__') walk(full);
      } else files[`services/${serviceName}/${relative(fixtureRoot, full)}`] = readFileSync(full, 'utf8');
    }
  };
  walk(fixtureRoot);
  return files;
}

/** The whole fixture service as the build line writes it: the written files plus the pipeline's own. */
export function fixtureFiles(serviceName = FIXTURE_SERVICE): FileMap {
  return assembleService(fixtureIntent(serviceName), '', writtenFiles(serviceName));
}

/** The fixture's application files (everything but tests/), as code generation would return them. */
export function fixtureCode(serviceName = FIXTURE_SERVICE): FileMap {
  return Object.fromEntries(
    Object.entries(writtenFiles(serviceName)).filter(([path]) => !path.includes('/tests/')),
  );
}

/** The fixture's tests/, as test generation would return them. */
export function fixtureTests(serviceName = FIXTURE_SERVICE): FileMap {
  return Object.fromEntries(
    Object.entries(writtenFiles(serviceName)).filter(([path]) => path.includes('/tests/')),
  );
}

/** A copy of `files` with `find` replaced by `replace` in `path` (which must contain it). */
export function patched(files: FileMap, path: string, find: string, replace: string): FileMap {
  const content = files[path];
  if (content === undefined || !content.includes(find))
    throw new Error(`fixture ${path} has no ${JSON.stringify(find)}`);
  return { ...files, [path]: content.replace(find, replace) };
}
