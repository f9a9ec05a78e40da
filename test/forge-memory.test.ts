import { describe, expect, it } from '@jest/globals';
import { ForgeError, MemoryForge } from '../core/forge/memory.js';

describe('MemoryForge', () => {
  it('finds a pull request by head before creating one, and refuses a second open one', async () => {
    const heads = new Map([['assembly-line/spec/api', 'c1']]);
    const forge = new MemoryForge({ resolveHead: async (b) => heads.get(b) });
    expect(await forge.findPullRequest('assembly-line/spec/api')).toBeUndefined();
    const pr = await forge.createPullRequest({
      head: 'assembly-line/spec/api',
      base: 'main',
      title: 'spec: api',
      body: 'b',
      labels: ['assembly-line', 'assembly-line'],
    });
    expect(pr).toMatchObject({ number: 1, headSha: 'c1', state: 'open', labels: ['assembly-line'] });
    await expect(
      forge.createPullRequest({ head: 'assembly-line/spec/api', base: 'main', title: 't', body: '' }),
    ).rejects.toThrow(new ForgeError('a pull request from assembly-line/spec/api is already open', 422));
    await expect(
      forge.createPullRequest({ head: 'no-such-branch', base: 'main', title: 't', body: '' }),
    ).rejects.toThrow('no branch no-such-branch to open a pull request from');

    // A push moves the head; the forge reports the branch's current commit.
    heads.set('assembly-line/spec/api', 'c2');
    expect((await forge.findPullRequest('assembly-line/spec/api'))?.headSha).toBe('c2');
    expect((await forge.listPullRequests('assembly-line/spec/')).map((p) => p.number)).toEqual([1]);
    expect(await forge.listPullRequests('other/')).toEqual([]);

    await forge.updatePullRequest(1, { body: 'new body', title: undefined });
    await forge.closePullRequest(1);
    expect(await forge.findPullRequest('assembly-line/spec/api')).toBeUndefined();
    expect(await forge.findPullRequest('assembly-line/spec/api', 'all')).toMatchObject({
      state: 'closed',
      title: 'spec: api',
      body: 'new body',
    });
  });

  it('merges only the head the caller saw', async () => {
    const forge = new MemoryForge();
    const pr = await forge.createPullRequest({ head: 'h', base: 'main', title: 't', body: '' });
    forge.pushed('h', 'late-push');
    await expect(
      forge.mergePullRequest(pr.number, { method: 'squash', expectedHeadSha: 'seen' }),
    ).rejects.toThrow("pull request #1's head moved to late-push");
    expect(
      await forge.mergePullRequest(pr.number, { method: 'squash', expectedHeadSha: 'late-push' }),
    ).toEqual({
      sha: 'merge-of-late-push',
    });
    await expect(forge.closePullRequest(pr.number)).rejects.toThrow('pull request #1 is already merged');
  });

  it('shares numbers between issues and pull requests for labels and comments', async () => {
    const forge = new MemoryForge();
    const pr = await forge.createPullRequest({ head: 'h', base: 'main', title: 't', body: '' });
    const issue = await forge.createIssue({ title: 'Assembly Line Dashboard', body: 'queue: empty' });
    expect([pr.number, issue.number]).toEqual([1, 2]);
    await forge.addLabels(pr.number, ['priority:high', 'needs-human-review']);
    await forge.removeLabel(pr.number, 'needs-human-review');
    await expect(forge.removeLabel(pr.number, 'absent')).rejects.toThrow('#1 has no label absent');
    await forge.addLabels(issue.number, ['assembly-line']);
    expect((await forge.findPullRequest('h'))?.labels).toEqual(['priority:high']);
    expect([...forge.labels].sort()).toEqual(['assembly-line', 'needs-human-review', 'priority:high']);

    const comment = await forge.createComment(issue.number, 'first');
    await forge.updateComment(comment.id, 'edited');
    expect(await forge.listComments(issue.number)).toEqual([
      { id: comment.id, body: 'edited', user: 'assembly-line[bot]' },
    ]);
    await expect(forge.createComment(99, 'x')).rejects.toThrow('no issue or pull request #99');

    expect((await forge.findIssue('Assembly Line Dashboard'))?.number).toBe(2);
    await forge.updateIssue(issue.number, { body: 'queue: 1', state: 'closed' });
    expect(await forge.findIssue('Assembly Line Dashboard')).toBeUndefined();
  });

  it('edits a check run in place, adding annotations to those it has', async () => {
    const forge = new MemoryForge();
    const annotation = (line: number) => ({
      path: 'specs/api/SPEC.md',
      startLine: line,
      endLine: line,
      level: 'warning' as const,
      message: `finding ${line}`,
    });
    const run = await forge.createCheckRun('Assembly Line: SPEC gate', 'c1', {
      status: 'in_progress',
      title: 'Scoring',
      summary: '',
      annotations: [annotation(1)],
    });
    const done = await forge.updateCheckRun(run.id, {
      status: 'completed',
      conclusion: 'failure',
      summary: 'score 71',
      annotations: [annotation(2)],
    });
    expect(done).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      title: 'Scoring',
      headSha: 'c1',
    });
    expect(done.annotations?.map((a) => a.startLine)).toEqual([1, 2]);
    expect(forge.checkRuns).toHaveLength(1);
  });

  it('records every call in order, and tells writes from reads', async () => {
    const forge = new MemoryForge();
    await forge.findPullRequest('h');
    const deployment = await forge.createDeployment({
      ref: 'c1',
      environment: 'production',
      description: 'api',
    });
    await forge.setDeploymentStatus(deployment.id, {
      state: 'success',
      environmentUrl: 'http://127.0.0.1:9000',
    });
    await forge.setCommitStatus('c1', {
      context: 'assembly-line/validate',
      state: 'success',
      description: 'ok',
    });
    await expect(forge.setDeploymentStatus(999, { state: 'failure' })).rejects.toThrow('no deployment 999');
    expect(forge.calls.map((c) => c.method)).toEqual([
      'findPullRequest',
      'createDeployment',
      'setDeploymentStatus',
      'setCommitStatus',
      'setDeploymentStatus',
    ]);
    expect(forge.writes().map((c) => c.method)).toEqual([
      'createDeployment',
      'setDeploymentStatus',
      'setCommitStatus',
      'setDeploymentStatus',
    ]);
    expect(forge.calls[2]!.args).toEqual([
      deployment.id,
      { state: 'success', environmentUrl: 'http://127.0.0.1:9000' },
    ]);
    expect(forge.deployments[0]!.statuses).toEqual([
      { state: 'success', environmentUrl: 'http://127.0.0.1:9000' },
    ]);
  });
});
