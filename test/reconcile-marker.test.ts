import { describe, expect, it } from '@jest/globals';
import { parseMarker, renderMarker, withMarker } from '../core/reconcile/marker.js';

const intentHash = 'a'.repeat(64);
const specHash = '0123456789abcdef'.repeat(4);
const marker = { intent: 'hello-world', intent_hash: intentHash, spec_hash: specHash };

describe('SPEC pull request marker', () => {
  it('renders a hidden HTML comment that parses back to the same values', () => {
    const rendered = renderMarker(marker);
    expect(rendered).toBe(
      `<!-- assembly-line: {"v":1,"intent":"hello-world","intent_hash":"${intentHash}","spec_hash":"${specHash}"} -->`,
    );
    const body = `## SPEC: hello-world\n\nScore 94 of 100.\n\n${rendered}\n`;
    expect(parseMarker(body)).toEqual({ found: true, marker: { v: 1, ...marker } });
  });

  it('reads a marker a person or a renderer spread over lines', () => {
    const body = `text\n<!--\n  assembly-line: {"v":1, "intent":"hello-world",\n "intent_hash":"${intentHash}", "spec_hash":"${specHash}"}\n-->`;
    expect(parseMarker(body)).toEqual({ found: true, marker: { v: 1, ...marker } });
  });

  it('names what is wrong with a missing, repeated or damaged marker', () => {
    expect(parseMarker('no marker here')).toEqual({
      found: false,
      problem: 'the body has no assembly-line marker',
    });
    const one = renderMarker(marker);
    expect(parseMarker(`${one}\n${one}`)).toEqual({
      found: false,
      problem: 'the body has 2 assembly-line markers',
    });
    expect(parseMarker('<!-- assembly-line: {"v":1, -->')).toEqual({
      found: false,
      problem: 'the assembly-line marker is not valid JSON',
    });
    const shortHash = one.replace(specHash, 'abc');
    expect(parseMarker(shortHash)).toMatchObject({
      found: false,
      problem: expect.stringContaining("marker's spec_hash is invalid"),
    });
    expect(parseMarker(one.replace('"v":1', '"v":2'))).toMatchObject({
      found: false,
      problem: expect.stringContaining("marker's v is invalid"),
    });
  });

  it('refuses values that could end the comment or name no service', () => {
    expect(() => renderMarker({ ...marker, intent: 'x --> <script>' })).toThrow();
    expect(() => renderMarker({ ...marker, intent_hash: 'A'.repeat(64) })).toThrow();
  });

  it('replaces the marker of a body, or appends one', () => {
    const newer = { ...marker, intent_hash: 'b'.repeat(64) };
    const body = withMarker(`Summary\n\n${renderMarker(marker)}\n`, newer);
    expect(body).toBe(`Summary\n\n${renderMarker(newer)}\n`);
    expect(withMarker('', marker)).toBe(`${renderMarker(marker)}\n`);
    expect(parseMarker(withMarker('Summary', newer))).toEqual({ found: true, marker: { v: 1, ...newer } });
  });
});
