import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateIntentSource } from '../core/intent/validate.js';
import { verifySpec } from '../core/spec/verifier/index.js';
import { repositoryPath } from './measure.js';
import { verifierCorpus } from './verifier.js';

/**
 * Every verification of the benchmark's corpus, plus the degenerate fixtures of test/fixtures/specs/
 * against each example intent, one JSON line per SPEC, then a SHA-256 of them all. A change meant to make
 * the verifier faster must leave this output byte for byte the same:
 *
 *   node out/bench/verifier-snapshot.js > before.jsonl   # on the old code
 *   node out/bench/verifier-snapshot.js > after.jsonl    # on the new code
 *   cmp before.jsonl after.jsonl
 */
function exampleIntents() {
  const dir = repositoryPath('intents');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => {
      const report = validateIntentSource(join(dir, name), readFileSync(join(dir, name)));
      if (!report.intent) throw new Error(`intents/${name} is invalid`);
      return report.intent;
    });
}

function fixtures(): string[] {
  const dir = repositoryPath('test/fixtures/specs');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => readFileSync(join(dir, name), 'utf8'));
}

const samples = [
  ...verifierCorpus(1000),
  ...exampleIntents().flatMap((intent) => fixtures().map((spec) => ({ intent, spec }))),
];
const hash = createHash('sha256');
for (const { intent, spec } of samples) {
  const line = `${JSON.stringify({ service: intent.service_name, verification: verifySpec(spec, intent) })}\n`;
  hash.update(line);
  process.stdout.write(line);
}
process.stderr.write(`${samples.length} SPECs verified, sha256 ${hash.digest('hex')}\n`);
