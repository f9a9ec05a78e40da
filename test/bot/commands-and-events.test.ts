import { afterEach, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { sha256 } from '../../core/hash.js';
import { IntentSchema } from '../../core/intent/schema.js';
import { parseMarker } from '../../core/reconcile/marker.js';
import { normalizeSpec } from '../../core/spec/store.js';
import { verifySpec } from '../../core/spec/verifier/index.js';
import type { GitHubDouble } from '../github/double.js';
import { signature256 } from '../github/webhooks.js';
import {
  assertBotCallsValid,
  BotBed,
  fileAt,
  gateRuns,
  intentYaml,
  settle,
  specPulls,
  WEBHOOK_SECRET,
} from '../helpers/bot.js';
import { CountingProvider, PoorSpecProvider } from '../helpers/providers.js';

const bed = new BotBed();
afterEach(() => bed.stop());

const CHECK_RUNS = 'POST /repos/{owner}/{repo}/check-runs';
const CHECK_RUN_EDITS = 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}';
const POOR_SPEC = '# SPEC\n\n## Purpose & Scope\n\nTBD\n';

/** Polls a condition the bot's own timer must bring about; the test's timeout bounds the wait. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 50));
}

const writesSince = (double: GitHubDouble, mark: number) =>
  Object.entries(double.counters.since(mark).byEndpoint)
    .filter(([, tally]) => tally.writes > 0)
    .map(([endpoint]) => endpoint)
    .sort();

describe('slash commands from a writer', () => {
  it('plan: comments what a push would do, with the estimated cost; no model call, no other write', async () => {
    const provider = new CountingProvider();
    const { double, bot } = await bed.start({ provider });
    const alice = double.person('alice');
    await alice.push({ files: { 'intents/ledger.yaml': intentYaml('ledger', { port: 8391 }) } });
    await settle(double, bot);
    const [pr] = specPulls(double);
    // An intent whose push webhook was lost: the bot has not acted on it, and the plan shows it.
    double.webhooks.muted = true;
    await alice.push({ files: { 'intents/search.yaml': intentYaml('search', { port: 8392 }) } });
    double.webhooks.muted = false;

    const calls = provider.calls.length;
    const mark = double.counters.mark();
    const asked = await alice.comment(pr!.number, '/assembly-line plan');
    await settle(double, bot);
    const now = specPulls(double)[0]!;
    const reply = now.comments.at(-1)!;
    expect(reply.id).not.toBe(asked.id);
    expect(reply.body).toContain('| search | open |');
    expect(reply.body).not.toContain('| ledger |');
    expect(reply.body).toMatch(/Estimated model cost: \$\d+\.\d{4}–\$\d+\.\d{4} for \d+–\d+ calls/);
    expect(now.comments.find((c) => c.id === asked.id)!.reactions.map((r) => r.content)).toEqual(['+1']);
    expect(provider.calls).toHaveLength(calls);
    expect(writesSince(double, mark)).toEqual([
      'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
    ]);
    expect(specPulls(double)).toHaveLength(1);
    assertBotCallsValid(double);
  }, 120_000);

  it("retry: runs the SPEC line again for an unchanged intent; a person's SPEC is only re-verified", async () => {
    const provider = new PoorSpecProvider();
    const { double, bot } = await bed.start({ provider });
    const alice = double.person('alice');
    await alice.push({ files: { 'intents/ledger.yaml': intentYaml('ledger', { port: 8393 }) } });
    await settle(double, bot);
    let pr = specPulls(double)[0]!;
    const branch = pr.pull!.head.ref;
    const failedHead = pr.pull!.head.sha;
    expect(pr.labels).toContain('needs-human-review');

    // The model does better now (it was overloaded, say): retry writes the SPEC again, same PR.
    provider.poor = false;
    const calls = provider.calls.length;
    await alice.comment(pr.number, '/assembly-line retry');
    await settle(double, bot);
    pr = specPulls(double)[0]!;
    expect(provider.calls.slice(calls)).toEqual(['writeSpec']);
    expect(pr.pull!.head.sha).not.toBe(failedHead);
    expect(gateRuns(double, pr.pull!.head.sha)[0]!.conclusion).toBe('success');
    expect([...pr.labels].sort()).toEqual(['assembly-line', 'priority:medium']);
    expect(specPulls(double)).toHaveLength(1);

    // Bob's SPEC: retry scores it again and leaves it alone.
    const bobsHead = await double
      .person('bob')
      .push({ branch, files: { 'specs/ledger/SPEC.md': POOR_SPEC } });
    await settle(double, bot);
    const before = provider.calls.length;
    const retried = await alice.comment(pr.number, '/assembly-line retry');
    await settle(double, bot);
    pr = specPulls(double)[0]!;
    expect(pr.comments.find((c) => c.id === retried.id)!.reactions.map((r) => r.content)).toEqual(['+1']);
    expect(provider.calls).toHaveLength(before);
    expect(await double.repo.store.resolveRef(`refs/heads/${branch}`)).toBe(bobsHead);
    expect(gateRuns(double, bobsHead).map((r) => r.conclusion)).toEqual(['failure']);
    expect(pr.labels).toContain('needs-human-review');
    assertBotCallsValid(double);
  }, 120_000);

  it('optimize: runs the optimization cycles on the SPEC as it stands on the branch, and commits the best', async () => {
    const provider = new PoorSpecProvider();
    provider.poor = false;
    const { double, bot } = await bed.start({ provider });
    const alice = double.person('alice');
    await alice.push({ files: { 'intents/ledger.yaml': intentYaml('ledger', { port: 8394 }) } });
    await settle(double, bot);
    const [pr] = specPulls(double);
    const branch = pr!.pull!.head.ref;
    const bobsHead = await double
      .person('bob')
      .push({ branch, files: { 'specs/ledger/SPEC.md': POOR_SPEC } });
    await settle(double, bot);
    expect(gateRuns(double, bobsHead)[0]!.conclusion).toBe('failure');

    const calls = provider.calls.length;
    const improved = provider.improveRequests.length;
    await alice.comment(pr!.number, '/assembly-line optimize');
    await settle(double, bot);
    const newCalls = provider.calls.slice(calls);
    expect(newCalls.length).toBeGreaterThan(0);
    expect(newCalls.every((c) => c === 'improveSpec')).toBe(true);
    expect(provider.improveRequests[improved]!.spec).toBe(POOR_SPEC);

    const now = specPulls(double)[0]!;
    const head = now.pull!.head.sha;
    expect(head).not.toBe(bobsHead);
    expect((await double.repo.store.readCommit(head)).parents).toEqual([now.pull!.base.sha]);
    const spec = (await fileAt(double, head, 'specs/ledger/SPEC.md'))!;
    const intent = IntentSchema.parse(parse(intentYaml('ledger', { port: 8394 })));
    expect(verifySpec(spec, intent).score).toBeGreaterThan(verifySpec(POOR_SPEC, intent).score);
    // The bot's marker holds the new SPEC's hash: the branch is the bot's again.
    const marker = parseMarker(now.body ?? '');
    expect(marker.found && marker.marker.spec_hash).toBe(sha256(normalizeSpec(spec)));
    expect(gateRuns(double, head)).toHaveLength(1);
    expect(specPulls(double)).toHaveLength(1);
    assertBotCallsValid(double);
  }, 120_000);
});

describe('the gate check run', () => {
  it('a re-run re-verifies and edits the run in place; more than 50 findings go 50 per request, all delivered', async () => {
    const { double, bot } = await bed.start();
    const alice = double.person('alice');
    const yaml = intentYaml('ledger', { port: 8395 });
    await alice.push({ files: { 'intents/ledger.yaml': yaml } });
    await settle(double, bot);
    const pr = specPulls(double)[0]!;
    const head = pr.pull!.head.sha;
    const [run] = gateRuns(double, head);
    const scored = { ...run!.output, conclusion: run!.conclusion, annotations: run!.annotations.length };

    // As if an earlier version of the bot had scored this commit: the stored run says otherwise.
    run!.output.title = 'stale';
    run!.output.summary = 'stale';
    run!.conclusion = 'failure';
    const mark = double.counters.mark();
    alice.rerequestCheckRun(run!.id);
    await settle(double, bot);
    expect(gateRuns(double, head).map((r) => r.id)).toEqual([run!.id]);
    expect({
      ...run!.output,
      conclusion: run!.conclusion,
      annotations: run!.annotations.length,
    }).toEqual(scored);
    expect(writesSince(double, mark)).toEqual([CHECK_RUN_EDITS]);
    expect(specPulls(double)[0]!.pull!.head.sha).toBe(head);

    // Bob's SPEC leaves well over 50 findings: one create and the rest 50 per edit, none refused.
    const botSpec = (await fileAt(double, head, 'specs/ledger/SPEC.md'))!;
    // Each line breaks four rules (placeholder, vague word, wrong port, repetition).
    const questions = Array(120).fill('- TBD. Should it be fast? It listens on port 9999.').join('\n');
    const edited = `${botSpec}\n## Open questions\n\n${questions}\n`;
    const verification = verifySpec(edited, IntentSchema.parse(parse(yaml)));
    const expected = verification.rules.flatMap((r) => r.findings.map((f) => `${r.title}@${f.line}`)).sort();
    expect(expected.length).toBeGreaterThan(100);
    const mark2 = double.counters.mark();
    const bobsHead = await double.person('bob').push({
      branch: pr.pull!.head.ref,
      files: { 'specs/ledger/SPEC.md': edited },
    });
    await settle(double, bot);
    const runs = gateRuns(double, bobsHead);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.annotations.map((a) => `${a.title}@${a.start_line}`).sort()).toEqual(expected);
    const byEndpoint = double.counters.since(mark2).byEndpoint;
    expect(byEndpoint[CHECK_RUNS]!.writes).toBe(1);
    expect(byEndpoint[CHECK_RUN_EDITS]!.writes).toBe(Math.ceil(expected.length / 50) - 1);

    // A batch GitHub would not take (502 through every retry) is sent by the next re-run, not lost
    // behind an unchanged title and summary.
    double.faults.badGateway({ times: 10, match: /^PATCH \/repos\/\{owner\}\/\{repo\}\/check-runs\// });
    const brokenHead = await double.person('bob').push({
      branch: pr.pull!.head.ref,
      files: { 'specs/ledger/SPEC.md': `${edited}\n` },
    });
    await settle(double, bot);
    expect(double.faults.fired.length).toBeGreaterThan(0);
    double.faults.clear();
    const [partial] = gateRuns(double, brokenHead);
    expect(partial!.annotations).toHaveLength(50);
    alice.rerequestCheckRun(partial!.id);
    await settle(double, bot);
    expect(gateRuns(double, brokenHead).map((r) => r.id)).toEqual([partial!.id]);
    expect(partial!.annotations.map((a) => `${a.title}@${a.start_line}`).sort()).toEqual(expected);
    assertBotCallsValid(double);
  }, 120_000);
});

describe('installations and the reconcile timer', () => {
  it('reconciles the repositories an installation adds (installation_repositories.added, installation.created)', async () => {
    const { double, bot } = await bed.start();
    const second = await double.addRepository('second', {
      'intents/ledger.yaml': intentYaml('ledger', { port: 8396 }),
    });
    const installation = await double.installOn('someone/elsewhere', {
      'intents/search.yaml': intentYaml('search', { port: 8397 }),
    });
    await settle(double, bot);
    expect(double.webhooks.of('installation_repositories', 'added').map((d) => d.status)).toEqual([200]);
    expect(double.webhooks.of('installation', 'created').map((d) => d.status)).toEqual([200]);

    const elsewhere = installation.repositories[0]!;
    for (const [repo, name] of [
      [second, 'ledger'],
      [elsewhere, 'search'],
    ] as const) {
      const pulls = specPulls(double, repo);
      expect(pulls.map((p) => p.title)).toEqual([`spec: ${name}`]);
      const head = pulls[0]!.pull!.head.sha;
      expect(repo.checkRuns.filter((r) => r.headSha === head).map((r) => r.conclusion)).toEqual(['success']);
    }
    expect(specPulls(double)).toHaveLength(0);
    assertBotCallsValid(double);
  }, 120_000);

  it('reconciles every installed repository on its timer, with no webhook to prompt it', async () => {
    const { double, bot } = await bed.start({ env: { ASSEMBLY_LINE_RECONCILE_INTERVAL_MS: '200' } });
    // The push's webhook never arrives: only the timer can find the new intent.
    double.webhooks.muted = true;
    await double
      .person('alice')
      .push({ files: { 'intents/ledger.yaml': intentYaml('ledger', { port: 8398 }) } });
    double.webhooks.muted = false;
    expect(double.webhooks.of('push')).toHaveLength(0);
    await until(() => {
      const pr = specPulls(double)[0];
      return !!pr && pr.labels.length > 0 && gateRuns(double, pr.pull!.head.sha).length > 0;
    });
    // The timer keeps the bot reading; stopped, the bot can settle.
    bot.bot.stop();
    await settle(double, bot);
    const pulls = specPulls(double);
    expect(pulls.map((p) => p.title)).toEqual(['spec: ledger']);
    expect([...pulls[0]!.labels].sort()).toEqual(['assembly-line', 'priority:medium']);
    assertBotCallsValid(double);
  }, 60_000);
});

describe('deliveries the bot cannot use', () => {
  it('answers an unknown event 2xx and malformed payloads 4xx in one line, never a stack trace; it keeps serving', async () => {
    const { double, bot } = await bed.start();
    const url = double.webhooks.target!.url;
    const send = async (event: string, body: string, id: string) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': event,
          'x-github-delivery': id,
          'x-hub-signature-256': signature256(WEBHOOK_SECRET, body),
        },
        body,
      });
      return { status: response.status, text: await response.text() };
    };
    const repository = {
      name: double.repo.name,
      full_name: double.repo.fullName,
      owner: { login: double.repo.owner.login },
      default_branch: double.repo.defaultBranch,
    };
    const installation = { id: double.installation.id };
    await settle(double, bot);
    const mark = double.counters.mark();

    const unknown = await send(
      'sponsorship',
      JSON.stringify({ action: 'created', sender: { login: 'alice', type: 'User' } }),
      'unknown-1',
    );
    expect(unknown.status).toBe(200);

    const malformed = {
      'not JSON': await send('push', '{"ref": "refs/heads/main", ', 'bad-1'),
      'a comment without a sender': await send(
        'issue_comment',
        JSON.stringify({
          action: 'created',
          issue: { number: 1, pull_request: {} },
          comment: { id: 5, body: '/assembly-line plan' },
          repository,
          installation,
        }),
        'bad-2',
      ),
      'repositories without names': await send(
        'installation_repositories',
        JSON.stringify({
          action: 'added',
          installation,
          repositories_added: [{ id: 7 }],
          sender: { login: 'alice', type: 'User' },
        }),
        'bad-3',
      ),
      'a push without a repository owner': await send(
        'push',
        JSON.stringify({
          ref: 'refs/heads/main',
          after: 'f'.repeat(40),
          commits: [],
          repository: { name: 'demo', default_branch: 'main' },
          installation,
          sender: { login: 'alice', type: 'User' },
        }),
        'bad-4',
      ),
    };
    for (const [what, answer] of Object.entries(malformed)) {
      expect({ what, clientError: answer.status >= 400 && answer.status < 500 }).toEqual({
        what,
        clientError: true,
      });
      expect({ what, lines: answer.text.trim().split('\n').length }).toEqual({ what, lines: 1 });
      expect(answer.text).not.toMatch(/\bat .*\.(?:js|ts):\d+/);
    }
    expect(malformed['a comment without a sender'].text).toContain('malformed payload');
    await settle(double, bot);
    expect(double.counters.since(mark)).toMatchObject({ reads: 0, writes: 0 });

    // Still serving: a real push afterwards opens its pull request.
    await double
      .person('alice')
      .push({ files: { 'intents/ledger.yaml': intentYaml('ledger', { port: 8399 }) } });
    await settle(double, bot);
    expect(specPulls(double).map((p) => p.title)).toEqual(['spec: ledger']);
    assertBotCallsValid(double);
  }, 120_000);
});
