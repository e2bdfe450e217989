import { describe, expect, it } from 'vitest';
// The test reads the stylesheet as text (Vitest turns CSS imports into nothing); it never runs in the page.
// eslint-disable-next-line no-restricted-imports
import { readFileSync } from 'node:fs';

/**
 * The focus ring's contrast against what surrounds it (WCAG 2.2, 1.4.11 non-text contrast: 3:1).
 * The ring sits 2 px outside the element, so it borders the page and the surfaces.
 * Breaks with the old amber ring (#ffbf47: 1.6:1 on white).
 */
const css = readFileSync(`${process.cwd()}/renderer/src/styles.css`, 'utf8');

function variable(name: string): string {
  const match = new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})`).exec(css);
  if (!match?.[1]) throw new Error(`--${name} not found`);
  return match[1];
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('focus ring', () => {
  it('uses the --focus colour with an offset', () => {
    expect(css).toMatch(/:focus-visible\s*{\s*outline:\s*3px solid var\(--focus\);\s*outline-offset:\s*2px;/);
  });

  it.each(['bg', 'surface', 'warning-bg'])('has 3:1 or more against --%s', (background) => {
    expect(contrast(variable('focus'), variable(background))).toBeGreaterThanOrEqual(3);
  });
});
