import { describe, expect, it } from 'vitest';
// The test reads the stylesheet as text (Vitest turns CSS imports into nothing); it never runs in the page.
// eslint-disable-next-line no-restricted-imports
import { readFileSync } from 'node:fs';

/**
 * Both palettes of styles.css: every text colour on the backgrounds it is used on reaches 4.5:1
 * (WCAG 1.4.3), the focus ring 3:1 (1.4.11). axe checks the rendered page in both themes in
 * Playwright (shell.spec.ts); this catches a bad palette without a browser.
 * Breaks e.g. with the light --danger (#a4161a) left in the dark palette (2.2:1 on #121418).
 */
const css = readFileSync(`${process.cwd()}/renderer/src/styles.css`, 'utf8');

function palette(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`${selector} not found`);
  const block = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6})/g)].map((m) => [m[1], m[2]]));
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

const TEXT_PAIRS: [foreground: string, background: string][] = [
  ['text', 'bg'],
  ['text', 'surface'],
  ['text', 'warning-bg'],
  ['text', 'info-bg'],
  ['muted', 'bg'],
  ['muted', 'surface'],
  ['accent', 'bg'],
  ['accent', 'surface'],
  ['accent-text', 'accent'],
  ['danger', 'bg'],
  ['danger', 'surface'],
  ['danger-text', 'danger'],
  ['ok', 'surface'],
  ['ok', 'bg'],
  ['surface', 'text'],
];

describe.each([
  ['light', ':root'],
  ['dark', ":root[data-theme='dark']"],
])('%s theme', (_name, selector) => {
  const colours = palette(selector);

  it('defines every colour the light theme does', () => {
    expect(Object.keys(colours).sort()).toEqual(Object.keys(palette(':root')).sort());
  });

  it.each(TEXT_PAIRS)('--%s on --%s has 4.5:1 or more', (foreground, background) => {
    const a = colours[foreground];
    const b = colours[background];
    if (!a || !b) throw new Error(`--${foreground} or --${background} missing`);
    expect(contrast(a, b)).toBeGreaterThanOrEqual(4.5);
  });

  it.each(['bg', 'surface', 'warning-bg'])('focus ring has 3:1 or more against --%s', (background) => {
    expect(contrast(colours.focus ?? '', colours[background] ?? '')).toBeGreaterThanOrEqual(3);
  });
});
