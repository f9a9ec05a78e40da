import { loadIntent as loadIntentForAction, PipelineInputError } from '../action/src/pipeline.js';
import { loadIntentArgument } from '../core/cli/intent-arg.js';
import { UserError } from '../core/cli/io.js';
import { GitWorkspace, InputError, InvalidIntentError, loadIntentAt, loadIntentFile } from '../core/index.js';
import { gitRepo } from './helpers/git.js';
import { intentYaml, tempTree } from './helpers/tmp.js';

/** One loader for a named intent file: the CLI and the Action differ only in the error type they raise. */
describe('loadIntentFile, as the CLI and the Action use it', () => {
  const tree = tempTree({
    'intents/alpha.yaml': intentYaml('alpha', { port: 9101 }),
    'intents/beta.yaml': intentYaml('beta', { port: 9101 }),
    'intents/gamma.yaml': intentYaml('gamma', { port: 9103, priority: 'urgent' }),
    'intents/delta.yaml': intentYaml('delta', { port: 9104 }),
  });
  afterAll(() => tree.cleanup());

  const loaders = [
    ['core', (path: string) => loadIntentFile(path, tree.root)],
    ['CLI', (path: string) => loadIntentArgument(path, tree.root)],
    ['Action', (path: string) => loadIntentForAction(path, tree.root)],
  ] as const;

  test('a valid intent loads the same through all three', async () => {
    for (const [, load] of loaders)
      await expect(load('intents/delta.yaml')).resolves.toMatchObject({ service_name: 'delta' });
  });

  test('a folder is refused as not a file, by all three', async () => {
    for (const [, load] of loaders)
      await expect(load('intents')).rejects.toThrow(
        'intents is not a file; expected one intent file such as intents/<name>.yaml',
      );
    await expect(loadIntentFile('intents', tree.root)).rejects.toThrow(InputError);
    await expect(loadIntentArgument('intents', tree.root)).rejects.toThrow(UserError);
    await expect(loadIntentForAction('intents', tree.root)).rejects.toThrow(PipelineInputError);
  });

  test('an invalid intent names file:line:col; the CLI adds how to see every error', async () => {
    const error = await loadIntentFile('intents/gamma.yaml', tree.root).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidIntentError);
    expect((error as Error).message).toMatch(
      /^intents\/gamma\.yaml is not a valid intent:\nintents\/gamma\.yaml:3:\d+: /,
    );
    await expect(loadIntentArgument('intents/gamma.yaml', tree.root)).rejects.toThrow(
      `${(error as Error).message}\n(run 'assembly-line validate intents/gamma.yaml')`,
    );
    await expect(loadIntentForAction('intents/gamma.yaml', tree.root)).rejects.toThrow(
      (error as Error).message,
    );
  });

  test('an intent is judged with the intents beside it: a shared port is an error', async () => {
    await expect(loadIntentFile('intents/alpha.yaml', tree.root)).rejects.toThrow(/port/);
  });

  test('a missing file is an input error that names it', async () => {
    for (const [, load] of loaders)
      await expect(load('intents/absent.yaml')).rejects.toThrow('intents/absent.yaml');
  });
});

/** The same loading through the Workspace port, as a GitHub adapter would use it: intents at a ref. */
describe('loadIntentAt, through a Workspace at a ref', () => {
  const repo = gitRepo({ 'intents/alpha.yaml': intentYaml('alpha', { port: 9201 }) });
  afterAll(() => repo.cleanup());

  test('reads the intent as committed, not as the working tree has it', async () => {
    const first = repo.first;
    repo.write('intents/alpha.yaml', intentYaml('alpha', { port: 9202 }));
    repo.write('intents/beta.yaml', intentYaml('beta', { port: 9202 }));
    const second = repo.commitAll("beta takes alpha's new port");
    const workspace = new GitWorkspace(repo.root);
    await expect(loadIntentAt(workspace, first, 'intents/alpha.yaml')).resolves.toMatchObject({ port: 9201 });
    // At the second commit beta sits beside alpha on the same port: judged with it, alpha is invalid.
    const error = await loadIntentAt(workspace, second, 'intents/alpha.yaml').catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InvalidIntentError);
    expect((error as Error).message).toMatch(
      /^intents\/alpha\.yaml is not a valid intent:\nintents\/alpha\.yaml:\d+:\d+: .*port/,
    );
    await expect(loadIntentAt(workspace, first, 'intents/beta.yaml')).rejects.toThrow(
      `intents/beta.yaml: no such intent file at ${first}`,
    );
  });
});
