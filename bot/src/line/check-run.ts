import type { Annotation, CheckRun, CheckRunFields } from '../core.js';
import type { RepoContext } from './spec-pr.js';

const annotationKey = (a: Annotation) =>
  `${a.path}:${a.startLine}:${a.endLine}:${a.level}:${a.title}:${a.message}`;

/**
 * Makes the check run `name` on `headSha` show `fields`: creates it, or edits the one already there.
 * GitHub appends the annotations of an update and cannot remove any, so an edit sends only the
 * annotations the run lacks; when one it shows no longer holds, a new run of the same name replaces it
 * (GitHub shows the newest). A run that already shows `fields` is left alone. `lookUp: false` skips
 * the read when the caller knows there is no run yet (a commit it has just made).
 */
export async function ensureCheckRun(
  ctx: RepoContext,
  name: string,
  headSha: string,
  fields: CheckRunFields,
  lookUp = true,
): Promise<CheckRun> {
  const found = lookUp ? await ctx.forge.findCheckRun(name, headSha) : undefined;
  if (!found) return ctx.forge.createCheckRun(name, headSha, fields);
  const wanted = fields.annotations ?? [];
  if (
    found.title === fields.title &&
    found.summary === fields.summary &&
    found.conclusion === fields.conclusion &&
    // A batch of annotations that failed to go out last time is sent now.
    (found.annotationsCount === undefined || found.annotationsCount >= wanted.length)
  )
    return found;
  const shown = new Set((await ctx.forge.listCheckRunAnnotations(found.id)).map(annotationKey));
  const wantedKeys = new Set(wanted.map(annotationKey));
  if ([...shown].some((key) => !wantedKeys.has(key))) return ctx.forge.createCheckRun(name, headSha, fields);
  return ctx.forge.updateCheckRun(found.id, {
    ...fields,
    annotations: wanted.filter((a) => !shown.has(annotationKey(a))),
  });
}
