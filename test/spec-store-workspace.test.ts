import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from '@jest/globals';
import { OfflineProvider } from '../core/llm/offline/provider.js';
import { silentReporter, WORKING_TREE } from '../core/ports/index.js';
import { runSpecJob } from '../core/spec/spec-job.js';
import { readStoredSpec, storedSpecChanges } from '../core/spec/store.js';
import { GitWorkspace } from '../core/workspace/git.js';
import { gitRepo } from './helpers/git.js';
import { greeterIntent } from './helpers/intents.js';

/** The SPEC line reads and writes specs/<name>/ through the Workspace port, at a ref or in the checkout. */
const repos: Array<ReturnType<typeof gitRepo>> = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

describe('SPECs through the Workspace port', () => {
  it('writes the SPEC into the checkout and reads it back at the ref asked for', async () => {
    const repo = gitRepo({ 'intents/greeter.yaml': 'service_name: greeter\n' });
    repos.push(repo);
    const workspace = new GitWorkspace(repo.root);
    const intent = greeterIntent();
    const provider = new OfflineProvider();
    const job = { repoRoot: repo.root, workspace, intent, provider, reporter: silentReporter };

    const first = await runSpecJob(job);
    expect(first).toMatchObject({
      action: 'generated',
      status: 'passed',
      specPath: repo.path('specs/greeter/SPEC.md'),
    });
    expect(readFileSync(first.specPath, 'utf8')).toBe(first.markdown);
    expect(await readStoredSpec(workspace, 'main', 'greeter')).toBeUndefined();
    repo.commitAll('SPEC for greeter');

    // A person edits the checkout's SPEC: at the working tree it is theirs, on main it is still ours.
    repo.write('specs/greeter/SPEC.md', `${first.markdown}\nA line a person added.\n`);
    expect((await readStoredSpec(workspace, WORKING_TREE, 'greeter'))?.editedByHand).toBe(true);
    expect((await readStoredSpec(workspace, 'main', 'greeter'))?.editedByHand).toBe(false);
    expect((await runSpecJob({ ...job, ref: 'main' })).action).toBe('reused');
    expect((await runSpecJob(job)).action).toBe('reverified');
  });

  it('commits a SPEC and its record onto a branch, as the bot does, without touching the checkout', async () => {
    const repo = gitRepo({ 'intents/greeter.yaml': 'service_name: greeter\n' });
    repos.push(repo);
    const workspace = new GitWorkspace(repo.root);
    // Generated in one workspace's checkout, committed through the port from the changes alone.
    const scratch = gitRepo();
    repos.push(scratch);
    const generated = await runSpecJob({
      repoRoot: scratch.root,
      intent: greeterIntent(),
      provider: new OfflineProvider(),
      reporter: silentReporter,
    });
    const changes = storedSpecChanges('greeter', generated.markdown, generated.record);
    expect(changes.map((c) => c.path)).toEqual(['specs/greeter/SPEC.md', 'specs/greeter/verification.json']);
    await workspace.commitFiles({
      branch: 'assembly-line/spec/greeter',
      base: 'main',
      expectedHead: null,
      changes,
      message: 'spec: greeter',
    });
    const stored = await readStoredSpec(workspace, 'assembly-line/spec/greeter', 'greeter');
    expect(stored).toMatchObject({ markdown: generated.markdown, editedByHand: false });
    expect(stored?.record?.spec_hash).toBe(generated.record.spec_hash);
    expect(await readStoredSpec(workspace, WORKING_TREE, 'greeter')).toBeUndefined();
  });
});
