import { randomBytes } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { sha256 } from '../hash.js';
import { type FileChange, type FileMap, WORKING_TREE, type Workspace } from '../ports/index.js';
import {
  checkFileMap,
  checkNoSymlinks,
  type FileLimits,
  FileMapRefused,
  serviceFolder,
} from './file-guard.js';

/** The record of one generation, kept beside the generated code as `services/<name>/.assembly-line.json`. */
export const MANIFEST_NAME = '.assembly-line.json';
/** A virtual environment inside the service folder survives a rewrite of the generated code. */
const KEPT_ENTRIES = ['.venv'];

/** What a generation was made from: equal stamps mean the code can be reused as it is. */
export interface GenerationStamp {
  spec_hash: string;
  intent_hash: string;
  generator_version: string;
  /** The vendored service runtime's version (see core/runtime/service-runtime.ts); a change regenerates. */
  runtime_version: string;
}

export interface WriteStamp extends GenerationStamp {
  /** The LLM provider that wrote the code, e.g. `offline` or `anthropic`. */
  provider: string;
}

export interface ServiceManifest extends WriteStamp {
  /** ISO-8601 */
  generated_at: string;
  /** Repository-relative paths of the generated files, sorted. */
  files: string[];
}

export function generationStamp(
  spec: string,
  intentCanonical: string,
  generatorVersion: string,
  runtimeVersion: string,
): GenerationStamp {
  return {
    spec_hash: sha256(spec),
    intent_hash: sha256(intentCanonical),
    generator_version: generatorVersion,
    runtime_version: runtimeVersion,
  };
}

export function serviceDir(repoRoot: string, serviceName: string): string {
  return join(repoRoot, 'services', serviceName);
}

/** The manifest's text judged: undefined when it is not one (damaged, or of an older format). */
function manifestFrom(text: string): ServiceManifest | undefined {
  try {
    const data = JSON.parse(text) as Partial<ServiceManifest>;
    const strings = [
      'spec_hash',
      'intent_hash',
      'generator_version',
      'runtime_version',
      'provider',
      'generated_at',
    ] as const;
    if (strings.some((key) => typeof data[key] !== 'string')) return undefined;
    if (!Array.isArray(data.files) || data.files.some((file) => typeof file !== 'string')) return undefined;
    return data as ServiceManifest;
  } catch {
    return undefined;
  }
}

function manifestPath(serviceName: string): string {
  return `${serviceFolder(serviceName)}${MANIFEST_NAME}`;
}

/**
 * The manifest beside the code in this checkout, on disk: what a deploy checks before it ships
 * `services/<name>/` as it is (core/pipeline/build-stamp.ts).
 */
export function readManifest(repoRoot: string, serviceName: string): ServiceManifest | undefined {
  try {
    const path = join(serviceDir(repoRoot, serviceName), MANIFEST_NAME);
    if (!lstatSync(path).isFile()) return undefined;
    return manifestFrom(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

const decoder = new TextDecoder();

/** The manifest of `services/<name>/` in the repository at `ref`, read through the Workspace. */
export async function readServiceManifest(
  workspace: Workspace,
  serviceName: string,
  ref: string = WORKING_TREE,
): Promise<ServiceManifest | undefined> {
  const bytes = await workspace.readFile(ref, manifestPath(serviceName));
  return bytes === undefined ? undefined : manifestFrom(decoder.decode(bytes));
}

/**
 * True when the code in `services/<name>/` was generated from the same SPEC, intent and generator and
 * every file it listed is still there: the caller then skips code generation and spends nothing.
 */
export async function reusableGeneration(
  workspace: Workspace,
  serviceName: string,
  stamp: GenerationStamp,
  ref: string = WORKING_TREE,
): Promise<boolean> {
  const manifest = await readServiceManifest(workspace, serviceName, ref);
  if (!manifest) return false;
  if (
    manifest.spec_hash !== stamp.spec_hash ||
    manifest.intent_hash !== stamp.intent_hash ||
    manifest.generator_version !== stamp.generator_version ||
    manifest.runtime_version !== stamp.runtime_version
  )
    return false;
  const prefix = serviceFolder(serviceName);
  if (manifest.files.length === 0) return false;
  if (manifest.files.some((file) => !file.startsWith(prefix) || file.split('/').includes('..'))) return false;
  const present = await Promise.all(
    manifest.files.map((file) => workspace.readFile(ref, file).then((bytes) => bytes !== undefined)),
  );
  return present.every(Boolean);
}

/**
 * A generation as Workspace changes: every file and the manifest written, and the files of the previous
 * generation that are not in this one removed. Pure.
 */
function serviceChanges(
  serviceName: string,
  files: FileMap,
  manifest: ServiceManifest,
  previous: ServiceManifest | undefined,
): FileChange[] {
  const prefix = serviceFolder(serviceName);
  const stale = (previous?.files ?? []).filter(
    (file) => !(file in files) && file.startsWith(prefix) && !file.split('/').includes('..'),
  );
  return [
    ...Object.entries(files).map(([path, content]) => ({ path, content })),
    { path: manifestPath(serviceName), content: `${JSON.stringify(manifest, null, 2)}\n` },
    ...stale.map((path) => ({ path, delete: true as const })),
  ];
}

export interface WriteOptions {
  limits?: Partial<FileLimits>;
  now?: Date;
}

/**
 * Writes a generation into `services/<name>/` of the Workspace's working copy: exactly `files` plus the
 * manifest. Throws `FileMapRefused` (listing every problem) before writing anything if the map is
 * unsafe. A Workspace with a local working copy (`localPath`) gets the whole folder replaced at once
 * (see replaceServiceFolder), so a failure leaves the previous code in place; any other takes the
 * changes through `writeFiles`.
 */
export async function writeServiceFiles(
  workspace: Workspace,
  serviceName: string,
  files: FileMap,
  stamp: WriteStamp,
  options: WriteOptions = {},
): Promise<ServiceManifest> {
  if (workspace.localPath)
    return replaceServiceFolder(workspace.localPath(''), serviceName, files, stamp, options);
  const check = checkFileMap(files, serviceName, options.limits);
  if (!check.ok) throw new FileMapRefused(serviceName, check.violations);
  const manifest = manifestOf(files, stamp, options);
  const previous = await readServiceManifest(workspace, serviceName);
  await workspace.writeFiles(serviceChanges(serviceName, files, manifest, previous));
  return manifest;
}

function manifestOf(files: FileMap, stamp: WriteStamp, options: WriteOptions): ServiceManifest {
  return {
    spec_hash: stamp.spec_hash,
    intent_hash: stamp.intent_hash,
    generator_version: stamp.generator_version,
    runtime_version: stamp.runtime_version,
    provider: stamp.provider,
    generated_at: (options.now ?? new Date()).toISOString(),
    files: Object.keys(files).sort(),
  };
}

/**
 * Replaces `services/<name>/` of a folder on this machine with exactly `files` plus the manifest: the
 * local working copy's writer, and the build line's scratch folder's. The files go into a fresh
 * folder beside the target first; only when all are written is the old folder renamed away and the
 * new one renamed in. A failure at any point leaves the previous code in place.
 * Throws `FileMapRefused` (listing every problem) before writing anything if the map is unsafe.
 */
export function replaceServiceFolder(
  repoRoot: string,
  serviceName: string,
  files: FileMap,
  stamp: WriteStamp,
  options: WriteOptions = {},
): ServiceManifest {
  const check = checkFileMap(files, serviceName, options.limits);
  if (!check.ok) throw new FileMapRefused(serviceName, check.violations);
  const links = checkNoSymlinks(repoRoot, serviceName, files);
  if (!links.ok) throw new FileMapRefused(serviceName, links.violations);

  const servicesDir = join(repoRoot, 'services');
  const target = join(servicesDir, serviceName);
  mkdirSync(servicesDir, { recursive: true });
  const existing = lstatOrUndefined(target);
  if (existing && !existing.isDirectory())
    throw new Error(`services/${serviceName} exists and is not a folder; remove it first`);
  removeLeftovers(servicesDir, serviceName);

  const manifest = manifestOf(files, stamp, options);

  const prefix = serviceFolder(serviceName);
  const staging = mkdtempSync(join(servicesDir, `.${serviceName}.new-`));
  try {
    for (const [path, content] of Object.entries(files)) {
      const full = join(staging, path.slice(prefix.length));
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content, { flag: 'wx', mode: 0o644 });
    }
    writeFileSync(join(staging, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx' });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`could not write services/${serviceName}: ${(error as Error).message}`);
  }

  if (!existing) {
    renameSync(staging, target);
    return manifest;
  }
  const kept = KEPT_ENTRIES.filter((name) => lstatOrUndefined(join(target, name))?.isDirectory());
  const backup = join(servicesDir, `.${serviceName}.old-${randomBytes(4).toString('hex')}`);
  try {
    for (const name of kept) renameSync(join(target, name), join(staging, name));
    renameSync(target, backup);
  } catch (error) {
    for (const name of kept) moveBack(join(staging, name), join(target, name));
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`could not replace services/${serviceName}: ${(error as Error).message}`);
  }
  try {
    renameSync(staging, target);
  } catch (error) {
    renameSync(backup, target);
    for (const name of kept) moveBack(join(staging, name), join(target, name));
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`could not replace services/${serviceName}: ${(error as Error).message}`);
  }
  rmSync(backup, { recursive: true, force: true });
  return manifest;
}

function moveBack(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch {
    // Best effort: the entry is a cache (a venv) and is rebuilt when missing.
  }
}

/** Staging and backup folders a crashed earlier write may have left behind. */
function removeLeftovers(servicesDir: string, serviceName: string): void {
  const pattern = new RegExp(`^\\.${serviceName.replace(/-/g, '\\-')}\\.(new|old)-[A-Za-z0-9]+$`);
  for (const entry of readdirSync(servicesDir, { withFileTypes: true }))
    if (entry.isDirectory() && pattern.test(entry.name))
      rmSync(join(servicesDir, entry.name), { recursive: true, force: true });
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
