/**
 * How a renderer colours text. Core's plain-text formatters (the UDC table) take one, so a terminal
 * gets colour, and a log, a job summary or a test gets the text unchanged.
 */
export interface Style {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const same = (text: string) => text;

export const PLAIN_STYLE: Style = { red: same, green: same, yellow: same, bold: same, dim: same };
