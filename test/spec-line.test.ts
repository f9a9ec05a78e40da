import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { IntentSchema } from '../core/intent/schema.js';
import { writeSpecOffline } from '../core/llm/offline/spec/writer.js';
import { silentReporter } from '../core/ports/index.js';
import { runSpecJob } from '../core/spec/spec-job.js';
import { runSpecLine } from '../core/spec/spec-line.js';
import { specPaths } from '../core/spec/store.js';
import { verifySpec } from '../core/spec/verifier/index.js';
import { CountingProvider, ScriptedSpecProvider } from './helpers/providers.js';
import { RULE_WEIGHTS } from './helpers/specs.js';
import { tempTree } from './helpers/tmp.js';

const intent = IntentSchema.parse({
  service_name: 'ledger-api',
  service_type: 'domain',
  purpose: 'Keep an append-only ledger of account movements',
  key_features: ['Record a movement', 'GET /balance endpoint'],
  dependencies: ['registry'],
  port: 9100,
});
const good = writeSpecOffline(intent);
/** A good SPEC with its later sections removed: a real, partial draft. */
const partial = good.slice(0, good.indexOf('## Security'));
const poor = good.slice(0, good.indexOf('## Data Models'));
const twoLines = '# ledger-api\nIt keeps a ledger.\n';

describe('the optimize loop', () => {
  test('the drafts used here score as the tests assume', () => {
    const scores = [good, partial, poor, twoLines].map((d) => verifySpec(d, intent).score);
    expect(scores[0]).toBeGreaterThanOrEqual(90);
    expect(scores[1]).toBeLessThan(90);
    expect(scores[2]).toBeLessThan(scores[1]!);
    expect(scores[3]).toBeLessThan(scores[2]!);
  });

  test('a first draft that passes is not optimized', async () => {
    const provider = new ScriptedSpecProvider([good]);
    const result = await runSpecLine({ intent, provider, reporter: silentReporter });
    expect(result.passed).toBe(true);
    expect(result.scoreHistory).toHaveLength(1);
    expect(provider.improveRequests).toHaveLength(0);
  });

  test('optimizes with the findings until the gate passes', async () => {
    const provider = new ScriptedSpecProvider([poor, partial, good]);
    const result = await runSpecLine({ intent, provider, reporter: silentReporter });
    expect(result.passed).toBe(true);
    expect(result.scoreHistory).toHaveLength(3);
    expect(result.best.markdown).toBe(good);
    expect(provider.improveRequests[0]!.findings.length).toBeGreaterThan(0);
    expect(provider.improveRequests[0]!.spec).toBe(poor);
    expect(provider.improveRequests[0]!.score).toBe(result.scoreHistory[0]);
    expect(result.usage).toHaveLength(3);
  });

  test('keeps the best draft, not the last, and improves from the best', async () => {
    const provider = new ScriptedSpecProvider([partial, twoLines, poor, twoLines]);
    const result = await runSpecLine({ intent, provider, reporter: silentReporter });
    expect(result.passed).toBe(false);
    expect(result.best.markdown).toBe(partial);
    expect(provider.improveRequests.every((r) => r.spec === partial)).toBe(true);
  });

  test('stops after 3 optimization cycles and reports the gate as failed', async () => {
    const provider = new ScriptedSpecProvider([twoLines]);
    const result = await runSpecLine({ intent, provider, reporter: silentReporter });
    expect(provider.improveRequests).toHaveLength(3);
    expect(result.scoreHistory).toHaveLength(4);
    expect(result.passed).toBe(false);
  });
});

describe('the SPEC job in a repository', () => {
  let tree: ReturnType<typeof tempTree>;
  beforeEach(() => {
    tree = tempTree({ 'intents/.keep': '' });
  });
  afterEach(() => tree.cleanup());

  test('writes SPEC.md and verification.json with score history, rules, provider, tokens and cost', async () => {
    const provider = new ScriptedSpecProvider([poor, good]);
    const result = await runSpecJob({ repoRoot: tree.root, intent, provider, reporter: silentReporter });
    expect(result).toMatchObject({ action: 'generated', status: 'passed' });
    const paths = specPaths(tree.root, 'ledger-api');
    expect(readFileSync(paths.spec, 'utf8')).toBe(good);
    const record = JSON.parse(readFileSync(paths.verification, 'utf8'));
    expect(record).toMatchObject({
      service: 'ledger-api',
      status: 'passed',
      passed: true,
      gate: 90,
      optimization_cycles: 1,
      provider: 'scripted',
      models: ['script-1'],
      tokens: { input: 200, output: 100, cache_read: 0, cache_write: 0 },
      cost_usd: 0.002,
    });
    expect(record.score_history).toEqual(result.scoreHistory);
    expect(record.rules.map((r: { id: string; weight: number }) => [r.id, r.weight])).toEqual(RULE_WEIGHTS);
  });

  test('a gate still failing after 3 cycles is written as needs-human-review', async () => {
    const result = await runSpecJob({
      repoRoot: tree.root,
      intent,
      provider: new ScriptedSpecProvider([twoLines]),
      reporter: silentReporter,
    });
    expect(result.status).toBe('needs-human-review');
    expect(JSON.parse(readFileSync(specPaths(tree.root, 'ledger-api').verification, 'utf8')).status).toBe(
      'needs-human-review',
    );
  });

  test('an unchanged intent reuses its SPEC without a model call', async () => {
    await runSpecJob({
      repoRoot: tree.root,
      intent,
      provider: new CountingProvider(),
      reporter: silentReporter,
    });
    const again = new CountingProvider();
    const result = await runSpecJob({
      repoRoot: tree.root,
      intent,
      provider: again,
      reporter: silentReporter,
    });
    expect(result.action).toBe('reused');
    expect(again.calls).toEqual([]);
  });

  test('a changed intent regenerates its SPEC', async () => {
    await runSpecJob({
      repoRoot: tree.root,
      intent,
      provider: new CountingProvider(),
      reporter: silentReporter,
    });
    const changed = { ...intent, key_features: [...intent.key_features, 'Export statements'] };
    const provider = new CountingProvider();
    const result = await runSpecJob({
      repoRoot: tree.root,
      intent: changed,
      provider,
      reporter: silentReporter,
    });
    expect(result.action).toBe('generated');
    expect(provider.calls).toContain('writeSpec');
    expect(readFileSync(result.specPath, 'utf8')).toContain('Export statements');
  });

  test("a person's edit is re-verified, never regenerated, unless forced", async () => {
    const first = await runSpecJob({
      repoRoot: tree.root,
      intent,
      provider: new CountingProvider(),
      reporter: silentReporter,
    });
    const edited = `${readFileSync(first.specPath, 'utf8')}\nReviewed by the payments team.\n`;
    writeFileSync(first.specPath, edited);
    const provider = new CountingProvider();
    const changed = { ...intent, purpose: 'Keep an append-only ledger of account movements for audits' };
    const result = await runSpecJob({
      repoRoot: tree.root,
      intent: changed,
      provider,
      reporter: silentReporter,
    });
    expect(result.action).toBe('reverified');
    expect(provider.calls).toEqual([]);
    expect(readFileSync(first.specPath, 'utf8')).toBe(edited);
    expect(JSON.parse(readFileSync(specPaths(tree.root, 'ledger-api').verification, 'utf8')).provider).toBe(
      'human',
    );

    const forced = await runSpecJob({
      repoRoot: tree.root,
      intent: changed,
      provider,
      reporter: silentReporter,
      force: true,
    });
    expect(forced.action).toBe('generated');
    expect(readFileSync(first.specPath, 'utf8')).not.toContain('Reviewed by the payments team.');
  });

  test("a SPEC.md without a verification record is treated as a person's and only re-verified", async () => {
    const paths = specPaths(tree.root, 'ledger-api');
    tree.write('specs/ledger-api/SPEC.md', partial);
    const provider = new CountingProvider();
    const result = await runSpecJob({ repoRoot: tree.root, intent, provider, reporter: silentReporter });
    expect(result).toMatchObject({ action: 'reverified', status: 'needs-human-review' });
    expect(provider.calls).toEqual([]);
    expect(readFileSync(paths.spec, 'utf8')).toBe(partial);
  });

  test('a provider failure writes nothing', async () => {
    const failing = new ScriptedSpecProvider([good]);
    failing.writeSpec = () => Promise.reject(new Error('model unavailable'));
    await expect(
      runSpecJob({ repoRoot: tree.root, intent, provider: failing, reporter: silentReporter }),
    ).rejects.toThrow('model unavailable');
    expect(existsSync(specPaths(tree.root, 'ledger-api').dir)).toBe(false);
  });
});
