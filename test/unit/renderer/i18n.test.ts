import { describe, expect, it } from 'vitest';
import { resolveLanguage } from '../../../renderer/src/i18n';
import { de } from '../../../renderer/src/i18n/de';
import { en } from '../../../renderer/src/i18n/en';

function leafKeys(node: object, prefix = ''): string[] {
  return Object.entries(node).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : leafKeys(value as object, `${prefix}${key}.`),
  );
}

function leafValues(node: object): string[] {
  return Object.values(node).flatMap((value) =>
    typeof value === 'string' ? [value] : leafValues(value as object),
  );
}

describe('translations', () => {
  it('have the same keys in German and English', () => {
    expect(leafKeys(en).sort()).toEqual(leafKeys(de).sort());
  });

  it('have no empty strings', () => {
    for (const value of [...leafValues(de), ...leafValues(en)]) expect(value.trim()).not.toBe('');
  });

  it('use the same interpolation variables in both languages', () => {
    const variables = (text: string) => [...text.matchAll(/{{(\w+)}}/g)].map((match) => match[1]).sort();
    const deKeys = leafKeys(de);
    const lookup = (tree: object, key: string) =>
      key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], tree) as string;
    for (const key of deKeys) expect(variables(lookup(en, key)), key).toEqual(variables(lookup(de, key)));
  });

  it('has translations for every validation message the schemas use', async () => {
    const sources = import.meta.glob('../../../shared/**/*.ts', {
      query: '?raw',
      import: 'default',
      eager: true,
    });
    const used = new Set(
      Object.values(sources).flatMap((text) =>
        [...(text as string).matchAll(/'errors\.([\w-]+)'/g)].map((m) => m[1]),
      ),
    );
    expect(used.size).toBeGreaterThan(5);
    for (const key of used) expect(Object.keys(de.errors), `errors.${key}`).toContain(key);
  });
});

describe('language', () => {
  it.each([
    ['system', ['de-DE', 'en-US'], 'de'],
    ['system', ['de'], 'de'],
    ['system', ['de-AT'], 'de'],
    ['system', ['en-GB', 'de-DE'], 'en'],
    ['system', ['fr-FR'], 'en'],
    ['system', [], 'en'],
    ['de', ['en-US'], 'de'],
    ['en', ['de-DE'], 'en'],
  ] as const)('%s with system %j is %s', (preference, locales, expected) => {
    expect(resolveLanguage(preference, locales)).toBe(expected);
  });
});
