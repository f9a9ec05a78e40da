import { existsSync, rmSync } from 'node:fs';
import { canonicalJson, sha256 } from '../core/hash.js';
import { BuildStampError, judgeStamp, requireDeployableBuild } from '../core/pipeline/build-stamp.js';
import { cli } from './helpers/cli.js';
import { intent as parseIntent } from './helpers/specs.js';
import { intentYaml, tempTree } from './helpers/tmp.js';

const SPEC = '# greeter\n\n## Purpose & Scope\nGreets.\n';

function stampedTree(spec: string, stampedSpec: string, stampedIntent?: Record<string, unknown>) {
  const yaml = intentYaml('greeter', { port: 9431 });
  const intent = parseIntent({
    service_name: 'greeter',
    service_type: 'domain',
    priority: 'medium',
    purpose: 'Serve greeter requests',
    port: 9431,
    key_features: ['GET /items endpoint'],
    dependencies: ['registry'],
  });
  const manifest = {
    spec_hash: sha256(stampedSpec),
    intent_hash: sha256(canonicalJson(stampedIntent ?? intent)),
    generator_version: 'build-line/1',
    runtime_version: '1.0.0+000000000000',
    provider: 'offline',
    generated_at: '2026-12-06T08:00:00.000Z',
    files: ['services/greeter/app/main.py'],
  };
  const tree = tempTree({
    'intents/greeter.yaml': yaml,
    'specs/greeter/SPEC.md': spec,
    'services/greeter/app/main.py': 'app = None\n',
    'services/greeter/.assembly-line.json': JSON.stringify(manifest),
  });
  return { tree, intent };
}

describe('a deploy accepts only a build stamped with the SPEC and intent of this checkout', () => {
  test('judgeStamp: equal hashes pass; another SPEC or intent is named', () => {
    const { tree, intent } = stampedTree(SPEC, SPEC);
    try {
      const stamp = { spec_hash: sha256(SPEC), intent_hash: sha256(canonicalJson(intent)) };
      expect(judgeStamp(stamp, SPEC, intent)).toEqual({ ok: true });
      // The build line hashes the SPEC as written, with a final newline added.
      expect(judgeStamp(stamp, SPEC.trimEnd(), intent)).toEqual({ ok: true });
      expect(judgeStamp(stamp, `${SPEC}More.\n`, intent)).toMatchObject({
        ok: false,
        reason: 'spec-changed',
      });
      expect(judgeStamp(stamp, SPEC, { ...intent, port: 9432 })).toMatchObject({
        ok: false,
        reason: 'intent-changed',
      });
      expect(requireDeployableBuild(tree.root, intent).spec_hash).toBe(sha256(SPEC));
    } finally {
      tree.cleanup();
    }
  });

  test('the CLI deploy refuses a build of another SPEC before anything is deployed', async () => {
    const { tree, intent } = stampedTree(`${SPEC}Changed after the build.\n`, SPEC);
    try {
      expect(() => requireDeployableBuild(tree.root, intent)).toThrow(BuildStampError);
      const result = await cli(['deploy', 'greeter', '--root', tree.path('deploy')], tree.root);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `services/greeter/ was built from another SPEC (stamp ${sha256(SPEC).slice(0, 7)}, specs/greeter/SPEC.md here is`,
      );
      expect(result.stderr).toContain(
        "refusing a stale or foreign build: build it from this commit first ('assembly-line build greeter')",
      );
      expect(existsSync(tree.path('deploy/greeter'))).toBe(false);
    } finally {
      tree.cleanup();
    }
  });

  test('a build of another intent, a missing SPEC and a missing build are refused, each saying why', () => {
    const other = stampedTree(SPEC, SPEC, { service_name: 'greeter', port: 1 });
    const noSpec = stampedTree(SPEC, SPEC);
    try {
      expect(() => requireDeployableBuild(other.tree.root, other.intent)).toThrow(
        /built from another intent \(stamp [0-9a-f]{7}, intents\/greeter here is [0-9a-f]{7}\)/,
      );
      rmSync(noSpec.tree.path('specs/greeter/SPEC.md'));
      expect(() => requireDeployableBuild(noSpec.tree.root, noSpec.intent)).toThrow(
        'specs/greeter/SPEC.md is missing, so the build in services/greeter/ cannot be checked against it',
      );
      rmSync(noSpec.tree.path('services/greeter/.assembly-line.json'));
      expect(() => requireDeployableBuild(noSpec.tree.root, noSpec.intent)).toThrow(
        'services/greeter/ is not built (no readable services/greeter/.assembly-line.json)',
      );
    } finally {
      other.tree.cleanup();
      noSpec.tree.cleanup();
    }
  });
});
