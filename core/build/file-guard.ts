import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_NAME_PATTERN } from '../intent/schema.js';
import type { FileMap } from '../ports/index.js';
import { pipelineOwnedReason } from '../runtime/scaffold.js';

/**
 * The check every model-written file map passes before anything touches the disk. Model output is
 * untrusted: a path may try to climb out of the service folder, a file may be huge or binary. The
 * rules are strict on purpose — a generated FastAPI service needs nothing beyond plain text files
 * with ordinary names.
 */

export interface FileViolation {
  path: string;
  reason: string;
}

export type FileCheck = { ok: true } | { ok: false; violations: FileViolation[] };

export interface FileLimits {
  maxFileBytes: number;
  maxTotalBytes: number;
  maxFiles: number;
  /** Folders below services/<name>/, at most. */
  maxDepth: number;
}

export const DEFAULT_FILE_LIMITS: FileLimits = {
  maxFileBytes: 256 * 1024,
  maxTotalBytes: 2 * 1024 * 1024,
  maxFiles: 64,
  maxDepth: 6,
};

/** Text formats a Python service is made of: source, dependency lists, docs, config. */
export const ALLOWED_EXTENSIONS = ['.py', '.txt', '.md', '.json', '.toml', '.ini', '.cfg', '.yaml', '.yml'];
/** Dot-files are refused (`.env` may hold secrets, `.pth` runs code at start-up) except these. */
export const ALLOWED_DOTFILES = ['.gitignore'];
/** Names the pipeline owns inside a service folder; a model may not write them. */
export const RESERVED_NAMES = ['.assembly-line.json', '.venv', '__pycache__'];

const SEGMENT_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const MAX_SEGMENT_LENGTH = 100;
/** The control characters text files use: tab, newline, vertical tab, form feed, carriage return. */
const TEXT_CONTROLS = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d]);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function serviceFolder(serviceName: string): string {
  return `services/${serviceName}/`;
}

/** Checks paths, names, sizes and content of a generated file map; pure, so it is cheap to fuzz. */
export function checkFileMap(
  files: FileMap,
  serviceName: string,
  limits: Partial<FileLimits> = {},
): FileCheck {
  const limit = { ...DEFAULT_FILE_LIMITS, ...limits };
  const violations: FileViolation[] = [];
  const prefix = serviceFolder(serviceName);
  if (!SERVICE_NAME_PATTERN.test(serviceName))
    return { ok: false, violations: [{ path: printable(prefix), reason: 'the service name is not valid' }] };
  if (typeof files !== 'object' || files === null || Array.isArray(files))
    return { ok: false, violations: [{ path: prefix, reason: 'the model did not return a map of files' }] };
  const entries = Object.entries(files as Record<string, unknown>);
  if (entries.length === 0) violations.push({ path: prefix, reason: 'the file map is empty' });
  if (entries.length > limit.maxFiles)
    violations.push({
      path: prefix,
      reason: `${entries.length} files; at most ${limit.maxFiles} are allowed`,
    });

  const seen = new Map<string, string>();
  let totalBytes = 0;
  for (const [path, content] of entries) {
    const pathProblem = checkPath(path, prefix, limit.maxDepth);
    if (pathProblem) violations.push({ path: printable(path), reason: pathProblem });
    else {
      // Two names that differ only in case are one file on macOS and Windows checkouts.
      const folded = path.toLowerCase();
      const earlier = seen.get(folded);
      if (earlier !== undefined)
        violations.push({ path, reason: `differs from ${earlier} only in letter case` });
      else seen.set(folded, path);
    }
    const contentProblem = checkContent(content, limit.maxFileBytes);
    if (contentProblem) violations.push({ path: printable(path), reason: contentProblem });
    if (typeof content === 'string') totalBytes += Buffer.byteLength(content, 'utf8');
  }
  // A name used both as a file and as a folder cannot be written.
  for (const path of seen.values()) {
    const segments = path.split('/');
    for (let i = 3; i < segments.length; i++) {
      const folder = segments.slice(0, i).join('/');
      if (seen.has(folder.toLowerCase())) {
        violations.push({ path, reason: `${folder} is both a file and a folder` });
        break;
      }
    }
  }
  if (totalBytes > limit.maxTotalBytes)
    violations.push({
      path: prefix,
      reason: `${totalBytes} bytes in all; at most ${limit.maxTotalBytes} are allowed`,
    });
  return violations.length === 0 ? { ok: true } : { ok: false, violations };
}

function checkPath(path: string, prefix: string, maxDepth: number): string | undefined {
  if (path.length === 0) return 'the path is empty';
  if (path.includes('\0')) return 'the path contains a NUL byte';
  if (firstControl(path) >= 0) return 'the path contains a control character';
  if (path.includes('\\')) return 'the path contains a backslash; use "/"';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'the path is absolute; it must be relative';
  const segments = path.split('/');
  if (segments.includes('..')) return 'the path contains a ".." segment';
  if (segments.includes('.')) return 'the path contains a "." segment';
  if (segments.some((segment) => segment === ''))
    return 'the path has an empty segment ("//" or a trailing "/")';
  if (!path.startsWith(prefix)) return `the path is outside ${prefix}`;
  const inside = segments.slice(2);
  if (inside.length > maxDepth + 1) return `the path is more than ${maxDepth} folders deep`;
  for (const segment of inside) {
    if (segment.length > MAX_SEGMENT_LENGTH) return `a name is longer than ${MAX_SEGMENT_LENGTH} characters`;
    if (RESERVED_NAMES.includes(segment)) return `"${segment}" is reserved for the pipeline`;
    if (ALLOWED_DOTFILES.includes(segment)) continue;
    if (!SEGMENT_PATTERN.test(segment))
      return `"${printable(segment)}" is not an allowed name (letters, digits, "_", "-", "." only, not starting with ".")`;
  }
  const fileName = inside[inside.length - 1] ?? '';
  if (!ALLOWED_DOTFILES.includes(fileName)) {
    const dot = fileName.lastIndexOf('.');
    const extension = dot > 0 ? fileName.slice(dot).toLowerCase() : '';
    if (!ALLOWED_EXTENSIONS.includes(extension))
      return `the file type ${extension || '(none)'} is not allowed; allowed: ${ALLOWED_EXTENSIONS.join(' ')} ${ALLOWED_DOTFILES.join(' ')}`;
  }
  return undefined;
}

function checkContent(content: unknown, maxFileBytes: number): string | undefined {
  if (typeof content !== 'string') return 'the content is not text';
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > maxFileBytes) return `${bytes} bytes; at most ${maxFileBytes} are allowed per file`;
  if (content.includes('\0')) return 'the content contains a NUL byte (binary data is not allowed)';
  if (firstControl(content, TEXT_CONTROLS) >= 0) return 'the content contains control characters';
  if (LONE_SURROGATE.test(content)) return 'the content is not valid Unicode text';
  return undefined;
}

/**
 * The check of a model's (or the offline generator's) files: `checkFileMap`, and no path the pipeline
 * owns — above all the vendored runtime, which every service must run unchanged.
 */
export function checkModelOutput(
  files: FileMap,
  serviceName: string,
  limits: Partial<FileLimits> = {},
): FileCheck {
  const check = checkFileMap(files, serviceName, limits);
  const violations = check.ok ? [] : [...check.violations];
  const prefix = serviceFolder(serviceName);
  if (typeof files === 'object' && files !== null && !Array.isArray(files))
    for (const path of Object.keys(files)) {
      if (!path.startsWith(prefix)) continue;
      const reason = pipelineOwnedReason(path.slice(prefix.length));
      if (reason) violations.push({ path: printable(path), reason });
    }
  return violations.length === 0 ? { ok: true } : { ok: false, violations };
}

/**
 * Refuses symbolic links on the way to every target file: `services`, `services/<name>` and each
 * folder below that already exists. A pre-planted `services/<name>/app -> /etc` must never be
 * followed, so each component is inspected with lstat, which does not follow links.
 */
export function checkNoSymlinks(repoRoot: string, serviceName: string, files: FileMap): FileCheck {
  const violations: FileViolation[] = [];
  const checked = new Set<string>();
  const components = ['services', `services/${serviceName}`];
  for (const path of Object.keys(files)) {
    const segments = path.split('/');
    for (let i = 3; i <= segments.length; i++) components.push(segments.slice(0, i).join('/'));
  }
  for (const component of components) {
    if (checked.has(component)) continue;
    checked.add(component);
    const info = lstatOrUndefined(join(repoRoot, component));
    if (info?.isSymbolicLink())
      violations.push({ path: component, reason: 'is a symbolic link; refusing to write through it' });
  }
  return violations.length === 0 ? { ok: true } : { ok: false, violations };
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

export function formatViolations(violations: FileViolation[]): string {
  return violations.map((v) => `  ${v.path}: ${v.reason}`).join('\n');
}

/** Raised when a file map is refused; lists every violation, so one round trip fixes them all. */
export class FileMapRefused extends Error {
  constructor(
    readonly serviceName: string,
    readonly violations: FileViolation[],
  ) {
    super(
      `refused the generated files for ${serviceName} (${violations.length} problem${violations.length === 1 ? '' : 's'}); nothing was written:\n${formatViolations(violations)}`,
    );
    this.name = 'FileMapRefused';
  }
}

function isControl(code: number): boolean {
  return code < 0x20 || code === 0x7f;
}

/** Index of the first C0 control character or DEL not in `allowed`, or -1. */
function firstControl(text: string, allowed: ReadonlySet<number> = new Set()): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isControl(code) && !allowed.has(code)) return i;
  }
  return -1;
}

/** A path safe to print: control characters escaped, length bounded. */
function printable(text: string): string {
  const escaped = Array.from(text, (c) =>
    isControl(c.charCodeAt(0)) ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c,
  ).join('');
  return escaped.length > 200 ? `${escaped.slice(0, 200)}…` : escaped;
}
