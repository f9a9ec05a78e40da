import type { z } from 'zod';
import { didYouMean } from '../suggest.js';

/** Words a person understands for a YAML value, e.g. `the text "8999"`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return `the text ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

function hint(expected: string, actual: unknown): string {
  if (expected === 'boolean' && typeof actual === 'string' && /^(yes|no|on|off|y|n)$/i.test(actual)) {
    return ' (YAML 1.2 reads yes/no/on/off as text; write true or false)';
  }
  if (expected === 'number' && typeof actual === 'string' && /^\s*\d+\s*$/.test(actual)) {
    return ' (remove the quotes)';
  }
  if (expected === 'array' && typeof actual === 'string')
    return ' (write one item per line, each starting with "- ")';
  return '';
}

export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return node;
}

/** A zod issue in plain words; the field path is printed separately. */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const actual = valueAt(input, issue.path);
  if (actual === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) {
    return issue.code === 'invalid_value' ? `is required: one of ${issue.values.join(', ')}` : 'is required';
  }
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${describeValue(actual)}${hint(issue.expected, actual)}`;
    case 'invalid_value': {
      const allowed = issue.values.map(String);
      const got = typeof actual === 'string' ? `'${actual}'` : describeValue(actual);
      return `${got} is not one of ${allowed.join(', ')}${typeof actual === 'string' ? didYouMean(actual, allowed) : ''}`;
    }
    default:
      return issue.message;
  }
}
