/**
 * Cuts one schema out of an OpenAPI document together with everything it references, so ajv compiles
 * only what an endpoint uses instead of the whole 13 MB description (or its 73 MB dereferenced twin).
 */

type Json = unknown;

const LOCAL = '#/';

function resolvePointer(document: Json, pointer: string): Json {
  let node = document;
  for (const raw of pointer.slice(LOCAL.length).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node))
      throw new Error(`the description has no ${pointer}`);
    node = (node as Record<string, Json>)[key];
  }
  return node;
}

/** "#/components/schemas/check-run" → "schemas__check-run": one flat $defs key per referenced component. */
function defsKey(pointer: string): string {
  return pointer
    .slice(LOCAL.length)
    .replace(/^components\//, '')
    .replace(/\//g, '__');
}

/** Follows `$ref`s until a real object: OpenAPI parameters and responses are often references. */
export function deref<T = Json>(document: Json, node: Json): T {
  let current = node;
  for (let hops = 0; hops < 20; hops++) {
    const ref = (current as { $ref?: unknown } | null)?.$ref;
    if (typeof ref !== 'string') return current as T;
    current = resolvePointer(document, ref);
  }
  throw new Error('a $ref chain in the description does not end');
}

/**
 * OpenAPI 3.0's `nullable` in terms ajv accepts: it widens `type` in ajv but not `enum` (GitHub sends
 * null for such enums), and ajv refuses it beside no `type` at all (a bare oneOf or allOf, as in
 * POST /repos/{owner}/{repo}/issues and GET /app/installations).
 */
function nullable(schema: Record<string, Json>): Record<string, Json> {
  if (schema.nullable !== true) return schema;
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
  if (schema.type !== undefined) return schema;
  const { nullable: _, ...rest } = schema;
  return { anyOf: [rest, { type: 'null' }] };
}

/**
 * A self-contained JSON Schema: `root` with every local `$ref` rewritten to `#/$defs/<key>` and the
 * referenced components copied into `$defs`, transitively.
 */
export function schemaClosure(document: Json, root: Json): Record<string, Json> {
  const defs: Record<string, Json> = {};
  const pending: string[] = [];
  const rewrite = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, Json> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(LOCAL)) {
        const name = defsKey(value);
        if (!(name in defs)) {
          defs[name] = null;
          pending.push(value);
        }
        out.$ref = `#/$defs/${name}`;
      } else out[key] = rewrite(value);
    }
    // GitHub's description says `allOf: [simple-user, enterprise]` for an installation's account, which
    // nothing can match; it is one or the other.
    const titled = (node: Json, title: string, def: string) =>
      typeof node === 'object' &&
      node !== null &&
      !Array.isArray(node) &&
      ((node as Record<string, Json>).title === title ||
        (node as Record<string, Json>).$ref === `#/$defs/schemas__${def}`);
    if (
      Array.isArray(out.allOf) &&
      out.allOf.length === 2 &&
      titled(out.allOf[0]!, 'Simple User', 'simple-user') &&
      titled(out.allOf[1]!, 'Enterprise', 'enterprise')
    ) {
      out.anyOf = out.allOf;
      delete out.allOf;
    }
    return nullable(out);
  };
  const schema = rewrite(root) as Record<string, Json>;
  while (pending.length > 0) {
    const pointer = pending.pop()!;
    defs[defsKey(pointer)] = rewrite(resolvePointer(document, pointer));
  }
  return Object.keys(defs).length > 0 ? { ...schema, $defs: defs } : schema;
}
