import { describe, expect, test } from '@jest/globals';
import { modelWrittenSpec } from '../bench/cost.js';
import { handWrittenSpecs, variedIntents } from '../bench/spec-corpus.js';
import { writeSpecOffline } from '../core/llm/offline/spec/writer.js';
import { completeSpec, PIPELINE_SECTIONS, withoutPipelineParts } from '../core/llm/spec-completion.js';
import { endpointKey, readSpec } from '../core/spec/document/index.js';
import { SPEC_SECTIONS, UDC_ENDPOINTS } from '../core/spec/sections.js';
import { verifySpec } from '../core/spec/verifier/index.js';
import { exampleIntent, SIX_FEATURES } from './helpers/intents.js';

/**
 * The model writes only what is unique to a service (title, Purpose & Scope, Requirements, the feature
 * endpoints, Data Models, Error Handling, Success Criteria); completeSpec adds what the intent
 * determines. The completed SPEC must pass the same gate as one written whole.
 */

const titles = (markdown: string) => readSpec(markdown).sections.map((s) => s.title);
const intents = [exampleIntent('hello-world'), SIX_FEATURES, ...variedIntents(40, 4242)];

describe('completeSpec', () => {
  test.each(intents.map((i) => [i.service_name, i] as const))(
    "%s: the model's part alone lacks five sections and the UDC endpoints; completed, it passes the gate",
    (_name, intent) => {
      const part = modelWrittenSpec(writeSpecOffline(intent));
      expect(titles(part)).toEqual(SPEC_SECTIONS.filter((t) => !PIPELINE_SECTIONS.includes(t)));
      expect(verifySpec(part, intent).passed).toBe(false);

      const completed = completeSpec(intent, part);
      expect(titles(completed)).toEqual([...SPEC_SECTIONS]);
      const keys = readSpec(completed).endpoints.map(endpointKey);
      // The UDC endpoints first, then the model's feature endpoints as written.
      expect(keys.slice(0, 5)).toEqual(UDC_ENDPOINTS.map(endpointKey));
      expect(keys.slice(5)).toEqual(readSpec(part).endpoints.map(endpointKey));
      const verification = verifySpec(completed, intent);
      expect({ score: verification.score, passed: verification.passed }).toEqual({
        score: verification.score,
        passed: true,
      });
    },
  );

  test('/capabilities of the added UDC endpoints lists the endpoints the model wrote', () => {
    const intent = SIX_FEATURES;
    const part = modelWrittenSpec(writeSpecOffline(intent))
      .split('\n')
      .map((line) => line.replace(/^### POST \/orders$/, '### POST /purchase-orders'))
      .join('\n');
    const capabilities = readSpec(completeSpec(intent, part)).endpoints.find(
      (e) => e.path === '/capabilities',
    );
    expect(JSON.stringify(capabilities?.response)).toContain('"path":"/purchase-orders"');
  });

  test('a complete SPEC comes back unchanged, whoever wrote it', () => {
    for (const intent of intents) {
      const whole = writeSpecOffline(intent);
      expect(completeSpec(intent, whole)).toBe(whole);
    }
    for (const { intent, markdown, file } of handWrittenSpecs())
      expect({ file, same: completeSpec(intent, markdown) === markdown }).toEqual({ file, same: true });
  });

  test('a missing section is added at its place in the contract order, other sections kept as written', () => {
    const intent = exampleIntent('hello-world');
    const whole = writeSpecOffline(intent);
    const withoutSecurity = whole.replace(/## Security\n[\s\S]*?(?=## Testing)/, '');
    const completed = completeSpec(intent, withoutSecurity);
    expect(titles(completed)).toEqual([...SPEC_SECTIONS]);
    expect(completed.replace(/## Security\n[\s\S]*?(?=## Testing)/, '')).toBe(withoutSecurity);
  });

  test('the code and tests calls read the SPEC without the parts the pipeline wrote, unless someone changed them', () => {
    for (const intent of intents) {
      const part = modelWrittenSpec(writeSpecOffline(intent));
      const completed = completeSpec(intent, part);
      const read = withoutPipelineParts(intent, completed);
      expect(titles(read)).toEqual(titles(part));
      expect(readSpec(read).endpoints.map(endpointKey)).toEqual(readSpec(part).endpoints.map(endpointKey));
    }
    const intent = exampleIntent('hello-world');
    const completed = completeSpec(intent, modelWrittenSpec(writeSpecOffline(intent)));
    const edited = completed
      .replace('| `LOG_LEVEL` | `info` |', '| `LOG_LEVEL` | `debug` |')
      .replace(
        '- Feature: UDC\n- Request: none\n- Response: 200 `{"status"',
        '- Feature: UDC\n- Request: none (a person wrote this)\n- Response: 200 `{"status"',
      );
    const read = withoutPipelineParts(intent, edited);
    expect(titles(read)).toContain('Configuration');
    expect(read).toContain('`debug`');
    expect(readSpec(read).endpoints.map(endpointKey)).toEqual(['GET /health', 'GET /hello']);
  });
});
