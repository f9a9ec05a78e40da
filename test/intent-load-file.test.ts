import { loadIntent as loadIntentForAction, PipelineInputError } from '../action/src/pipeline.js';
import { loadIntentArgument } from '../core/cli/intent-arg.js';
import { UserError } from '../core/cli/io.js';
import { InputError, InvalidIntentError, loadIntentFile } from '../core/index.js';
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

  test('a valid intent loads the same through all three', () => {
    for (const [, load] of loaders)
      expect(load('intents/delta.yaml')).toMatchObject({ service_name: 'delta' });
  });

  test('a folder is refused as not a file, by all three', () => {
    for (const [, load] of loaders)
      expect(() => load('intents')).toThrow(
        'intents is not a file; expected one intent file such as intents/<name>.yaml',
      );
    expect(() => loadIntentFile('intents', tree.root)).toThrow(InputError);
    expect(() => loadIntentArgument('intents', tree.root)).toThrow(UserError);
    expect(() => loadIntentForAction('intents', tree.root)).toThrow(PipelineInputError);
  });

  test('an invalid intent names file:line:col; the CLI adds how to see every error', () => {
    let error: unknown;
    try {
      loadIntentFile('intents/gamma.yaml', tree.root);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidIntentError);
    expect((error as Error).message).toMatch(
      /^intents\/gamma\.yaml is not a valid intent:\nintents\/gamma\.yaml:3:\d+: /,
    );
    expect(() => loadIntentArgument('intents/gamma.yaml', tree.root)).toThrow(
      `${(error as Error).message}\n(run 'assembly-line validate intents/gamma.yaml')`,
    );
    expect(() => loadIntentForAction('intents/gamma.yaml', tree.root)).toThrow((error as Error).message);
  });

  test('an intent is judged with the intents beside it: a shared port is an error', () => {
    expect(() => loadIntentFile('intents/alpha.yaml', tree.root)).toThrow(/port/);
  });

  test('a missing file is an input error that names it', () => {
    for (const [, load] of loaders) expect(() => load('intents/absent.yaml')).toThrow('intents/absent.yaml');
  });
});
