/** `1 file`, `2 files`: a count and its noun, singular for one. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
