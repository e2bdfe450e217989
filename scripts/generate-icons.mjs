// Renders resources/icons/icon.svg to the PNG sizes electron-builder uses (Linux takes the folder;
// macOS and Windows convert 512x512.png). Run after changing the SVG: `node scripts/generate-icons.mjs`.
import { readFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.mjs';

const svg = readFileSync('resources/icons/icon.svg', 'utf8');
const browser = await chromium.launch({ executablePath: chromiumPath() ?? undefined, args: CHROMIUM_ARGS });
try {
  for (const size of [16, 32, 48, 64, 128, 256, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(
      `<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`,
    );
    await page.screenshot({ path: `resources/icons/${size}x${size}.png`, omitBackground: true });
    await page.close();
  }
  console.log('Icons written to resources/icons/');
} finally {
  await browser.close();
}
