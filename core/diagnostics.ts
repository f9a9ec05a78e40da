/** A located problem in an input file, printed as `path:line:col: error: field: message`. */
export interface Diagnostic {
  path: string;
  /** 1-based */
  line: number;
  /** 1-based */
  col: number;
  field: string;
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.path}:${d.line}:${d.col}: error: ${d.field}: ${d.message}`;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.path.localeCompare(b.path) || a.line - b.line || a.col - b.col || a.field.localeCompare(b.field);
}

/** Maps character offsets of a text to 1-based line and column numbers. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  position(offset: number): { line: number; col: number } {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, col: offset - this.starts[low]! + 1 };
  }
}
