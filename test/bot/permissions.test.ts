import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from '@jest/globals';
import { permissionsFromAppYml } from '../github/auth.js';
import type { Services } from '../github/router.js';
import { actionRoutes } from '../github/routes/actions.js';
import { appRoutes } from '../github/routes/apps.js';
import { checkRoutes } from '../github/routes/checks.js';
import { deploymentRoutes } from '../github/routes/deployments.js';
import { gitRoutes } from '../github/routes/git.js';
import { issueRoutes } from '../github/routes/issues.js';
import { pullRoutes } from '../github/routes/pulls.js';
import { repoRoutes } from '../github/routes/repos.js';
import type { PermissionSet } from '../github/state.js';
import { assertBotCallsValid, BotBed, intentYaml, settle, specPulls } from '../helpers/bot.js';

const bed = new BotBed();
afterEach(() => bed.stop());

type Requirement = 'app' | 'any-token' | Array<[string, 'read' | 'write']>;

function satisfied(requirement: Requirement, granted: PermissionSet): boolean {
  if (requirement === 'app' || requirement === 'any-token') return true;
  return requirement.some(
    ([name, access]) => granted[name] === 'write' || (access === 'read' && granted[name] === 'read'),
  );
}

describe("app.yml's permissions", () => {
  it('cover every call the bot makes, and each one is needed at its level', async () => {
    const manifest = permissionsFromAppYml(readFileSync('app.yml', 'utf8'));
    const { double, bot } = await bed.start({ app: { permissions: manifest } });
    // Every kind of work the bot does: a SPEC PR that merges, a slash command, a fork's intent PR.
    const alice = double.person('alice');
    await alice.push({
      files: { 'intents/ledger.yaml': intentYaml('ledger', { port: 8361, approval: 'auto' }) },
    });
    await settle(double, bot);
    const [pr] = specPulls(double);
    expect(pr!.pull!.merged).toBe(true);
    await alice.comment(pr!.number, '/assembly-line plan');
    const mallory = double.person('mallory', 'read');
    const fork = await mallory.fork();
    await mallory.push({
      repo: fork,
      branch: 'more',
      files: { 'intents/search.yaml': intentYaml('search', { port: 8362 }) },
    });
    await mallory.openPullRequest({ head: 'more', fromFork: true });
    await settle(double, bot);
    // The dashboard reads the Action's workflow runs and deployments.
    const dashboard = await fetch(`http://127.0.0.1:${bot.port}/dashboard`);
    expect(dashboard.status).toBe(200);
    expect((await bot.bot.views.view()).warnings).toBeUndefined();
    assertBotCallsValid(double);

    const calls = double.counters.calls.filter((c) => c.actor === `${double.app.slug}[bot]`);
    expect(calls.filter((c) => c.status === 403)).toEqual([]);
    const services = {
      state: double.state,
      ops: double.ops,
      urls: { api: double.apiUrl, html: double.url },
      app: double.app,
      auth: double.auth,
    } as Services;
    const routes = [
      ...repoRoutes(services),
      ...gitRoutes(services),
      ...pullRoutes(services),
      ...issueRoutes(services),
      ...checkRoutes(services),
      ...deploymentRoutes(services),
      ...actionRoutes(services),
      ...appRoutes(services),
    ];
    const byEndpoint = new Map(routes.map((r) => [`${r.method} ${r.template}`, r.requires as Requirement]));
    const used = [...new Set(calls.map((c) => c.endpoint))];
    const requirements = used.map((endpoint) => {
      const requirement = byEndpoint.get(endpoint);
      if (!requirement) throw new Error(`no route for ${endpoint}`);
      return { endpoint, requirement };
    });
    for (const { endpoint, requirement } of requirements)
      expect({ endpoint, ok: satisfied(requirement, manifest) }).toEqual({ endpoint, ok: true });

    // Least privilege: without any one permission, or with it lowered to read, some call is refused.
    for (const [name, access] of Object.entries(manifest)) {
      if (name === 'metadata') continue; // every app has it
      const weaker: PermissionSet[] = [
        Object.fromEntries(Object.entries(manifest).filter(([n]) => n !== name)),
      ];
      if (access === 'write') weaker.push({ ...manifest, [name]: 'read' });
      for (const set of weaker) {
        const refused = requirements.filter(({ requirement }) => !satisfied(requirement, set));
        expect({ name, set, refused: refused.length > 0 }).toEqual({ name, set, refused: true });
      }
    }
  }, 300_000);
});
