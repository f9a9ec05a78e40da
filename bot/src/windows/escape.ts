/**
 * Escaping for the two places the windows put user text: HTML (the dashboard page) and GitHub
 * markdown (the dashboard issue). Intent fields, reasons and titles are user input, so every one of
 * them goes through here before it is shown.
 */

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe in HTML element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}

/**
 * Text safe in one markdown table cell: no HTML, no markdown syntax, no line breaks that end the row,
 * and no `@mention` or `#123` that would notify people or link issues from the bot's account.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n|\r/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]{}()|!~])/g, '\\$1')
    .replace(/([@#])(?=\w)/g, '$1&#8203;');
}
