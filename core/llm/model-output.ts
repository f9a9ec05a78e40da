import type Anthropic from '@anthropic-ai/sdk';
import * as z from 'zod';
import { type FileMap, LlmError } from '../ports/index.js';

/**
 * Reading a model's answers: the files of the code tasks arrive through one tool the model is made to
 * call (its input is checked against a schema and the paths are confined to the service's folder); a
 * SPEC arrives as markdown text.
 */

/** The structured output of the code tasks: one tool the model is made to call. */
export const WRITE_FILES_TOOL: Anthropic.Tool = {
  name: 'write_files',
  description:
    'Deliver the files of this task. Call it once, with every file and its complete content; paths are relative to the repository root and lie under services/<service_name>/.',
  input_schema: {
    type: 'object',
    properties: {
      files: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          properties: {
            path: { type: 'string', description: 'e.g. services/hello-world/app/features.py' },
            content: { type: 'string', description: 'The complete content of the file.' },
          },
          required: ['path', 'content'],
          additionalProperties: false,
        },
      },
    },
    required: ['files'],
    additionalProperties: false,
  },
};

const WriteFilesInput = z.object({
  files: z
    .array(z.object({ path: z.string().min(1, 'must not be empty'), content: z.string() }))
    .min(1, 'must hold at least one file'),
});

/** Why a path from the model may not be written, or undefined when it may. */
export function unsafePathReason(path: string, serviceName: string): string | undefined {
  if (path.startsWith('/') || /^[a-z]:/i.test(path)) return 'is absolute';
  if (path.includes('\\')) return 'contains a backslash';
  if (path.split('/').some((part) => part === '..' || part === '.' || part === '')) {
    return "has an empty, '.' or '..' segment";
  }
  if (!path.startsWith(`services/${serviceName}/`)) return `is outside services/${serviceName}/`;
  return undefined;
}

export function filesFromToolInput(input: unknown, serviceName: string): FileMap {
  const parsed = WriteFilesInput.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`)
      .join('; ');
    throw new LlmError(`the model's write_files input does not match its schema: ${problems}`, 'malformed');
  }
  const files: FileMap = {};
  for (const { path, content } of parsed.data.files) {
    const reason = unsafePathReason(path, serviceName);
    if (reason)
      throw new LlmError(`the model wrote a file path that is refused: '${path}' ${reason}`, 'malformed');
    if (path in files) throw new LlmError(`the model wrote '${path}' twice`, 'malformed');
    files[path] = content;
  }
  return files;
}

/** The SPEC markdown of a text answer; a fence around the whole document is taken off. */
export function markdownFromText(text: string): string {
  const trimmed = text.trim();
  const fenced = /^```(?:markdown|md)?[ \t]*\n([\s\S]*?)\n```$/.exec(trimmed);
  return (fenced ? fenced[1]! : trimmed).trim();
}
