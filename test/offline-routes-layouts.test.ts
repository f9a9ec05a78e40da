import { handWrittenSpecs } from '../bench/spec-corpus.js';
import { planRoutes } from '../core/llm/offline/service/routes.js';
import { endpointKey, readSpec } from '../core/spec/document/index.js';
import { UDC_ENDPOINTS } from '../core/spec/sections.js';

const UDC_KEYS = new Set(UDC_ENDPOINTS.map(endpointKey));

describe('the offline code generator reads the SPEC through the document model', () => {
  test.each(handWrittenSpecs().map((c) => [c.file, c] as const))(
    '%s: one route per feature endpoint of the API section, none derived from feature text',
    (_file, c) => {
      const plan = planRoutes(c.intent, c.markdown);
      const expected = readSpec(c.markdown)
        .endpoints.filter((e) => !UDC_KEYS.has(endpointKey(e)))
        .map(endpointKey);
      expect(plan.routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual([...expected].sort());
      expect(plan.routes.every((r) => r.origin === 'spec')).toBe(true);
    },
  );

  test('a key feature that no endpoint names best still gets a route, as the verifier would flag it', () => {
    const [shortener] = handWrittenSpecs().filter((c) => c.intent.service_name === 'url-shortener');
    const spec = shortener!.markdown.replace(
      '| `POST /links` | Create short links |',
      '| `POST /links` | Resolve short links |',
    );
    const plan = planRoutes(shortener!.intent, spec);
    expect(plan.routes.filter((r) => r.origin === 'feature').map((r) => r.feature)).toEqual([
      'Create short links',
    ]);
  });
});
