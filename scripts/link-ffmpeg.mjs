// Playwright records video with its own ffmpeg build, which it downloads — impossible offline. Debian's
// ffmpeg (apt-get install ffmpeg) encodes the same streams, so link it where Playwright looks.
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export function playwrightFfmpegPath() {
  const require = createRequire(import.meta.url);
  // browsers.json is not in the package's exports: find it beside the package's entry point.
  const browsers = JSON.parse(
    readFileSync(join(dirname(require.resolve('playwright-core')), 'browsers.json'), 'utf8'),
  );
  const revision = browsers.browsers.find((entry) => entry.name === 'ffmpeg')?.revision;
  const root = process.env.PLAYWRIGHT_BROWSERS_PATH || join(homedir(), '.cache', 'ms-playwright');
  return join(root, `ffmpeg-${revision}`, process.platform === 'linux' ? 'ffmpeg-linux' : 'ffmpeg');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = playwrightFfmpegPath();
  if (existsSync(target)) {
    console.log(`Playwright's ffmpeg is there: ${target}`);
  } else if (existsSync('/usr/bin/ffmpeg')) {
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync('/usr/bin/ffmpeg', target);
    console.log(`Linked /usr/bin/ffmpeg to ${target}: videos of failed tests are recorded.`);
  } else {
    console.log(
      'No ffmpeg (apt-get install ffmpeg): failed tests keep traces and screenshots, but no video.',
    );
  }
}
