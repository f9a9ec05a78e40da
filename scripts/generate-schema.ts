import { writeFileSync } from 'node:fs';
import { intentJsonSchema } from '../core/intent/schema.js';

/** The committed schema text; a test compares it with the file so a stale schema fails CI. */
export function renderIntentSchema(): string {
  return `${JSON.stringify(intentJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/out\//, '/out/'))) {
  const target = new URL('../../schemas/intent.schema.json', import.meta.url);
  writeFileSync(target, renderIntentSchema());
  process.stdout.write(`wrote ${target.pathname}\n`);
}
