/**
 * Where a JSON example holds decimals. `JSON.parse` reads `10.0` as `10`, so an `"amount": 10.00`
 * example would be typed `int`, and pydantic 2 would refuse 10.5 while pydantic 1 truncated it. The
 * text says what the writer meant: a number written with `.`, `e` or `E` is a float.
 *
 * A path is the keys from the root, every array item as `0` (all items of a list share one type),
 * JSON-encoded: `["items",0,"price"]`.
 */

type Segment = string | number;

export function pathKey(path: readonly Segment[]): string {
  return JSON.stringify(path);
}

/** The paths of `value` whose numbers are decimals: written so in `json` (its source), or not integers. */
export function floatPaths(value: unknown, json?: string): Set<string> {
  const found = json === undefined ? new Set<string>() : writtenDecimals(json);
  const walk = (item: unknown, path: Segment[]) => {
    if (typeof item === 'number' && !Number.isInteger(item)) found.add(pathKey(path));
    else if (Array.isArray(item)) for (const element of item) walk(element, [...path, 0]);
    else if (item && typeof item === 'object')
      for (const [key, sub] of Object.entries(item)) walk(sub, [...path, key]);
  };
  walk(value, []);
  return found;
}

const NUMBER = /-?[0-9.eE+-]+/y;

/** The paths of the numbers of a JSON text written with a fraction or an exponent. */
export function writtenDecimals(json: string): Set<string> {
  const found = new Set<string>();
  const path: Segment[] = [];
  const frames: { object: boolean; expectKey: boolean }[] = [];
  let i = 0;
  while (i < json.length) {
    const c = json[i]!;
    const frame = frames.at(-1);
    if (c === '"') {
      const end = stringEnd(json, i);
      if (frame?.object && frame.expectKey) {
        path[frames.length - 1] = keyOf(json.slice(i, end));
        frame.expectKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      frames.push({ object: c === '{', expectKey: c === '{' });
      path[frames.length - 1] = 0;
      i++;
    } else if (c === '}' || c === ']') {
      frames.pop();
      path.length = frames.length;
      i++;
    } else if (c === ',') {
      if (frame?.object) frame.expectKey = true;
      i++;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const token = NUMBER.exec(json)![0];
      if (/[.eE]/.test(token)) found.add(pathKey(path.slice(0, frames.length)));
      i += token.length;
    } else i++;
  }
  return found;
}

function stringEnd(json: string, start: number): number {
  let j = start + 1;
  while (j < json.length && json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
  return j + 1;
}

function keyOf(literal: string): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return literal.slice(1, -1);
  }
}
