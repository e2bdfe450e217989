// Validates the packaging configuration without building (the Electron binary cannot be downloaded
// here): both electron-builder files against electron-builder's own JSON schema, and Tollgate's own
// requirements — targets, icon, tel:/sip: registration, microphone text, hardened fuses, the files the
// app needs. Exits non-zero with every problem listed.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);
const packageJson = JSON.parse(readFileSync('package.json', 'utf8'));
const problems = [];
const check = (condition, message) => {
  if (!condition) problems.push(message);
};

const release = parse(readFileSync('electron-builder.yml', 'utf8'));
const qa = parse(readFileSync('electron-builder.test.yml', 'utf8'));
for (const [name, config] of [
  ['electron-builder.yml', release],
  ['electron-builder.test.yml', qa],
]) {
  if (!validate(config)) {
    for (const error of validate.errors ?? [])
      problems.push(`${name}: ${error.instancePath || '(root)'} ${error.message}`);
  }
}

check(
  release.linux?.target?.includes('AppImage') && release.linux?.target?.includes('deb'),
  'Linux must build AppImage and deb',
);
check(release.win?.target?.includes('nsis'), 'Windows must build NSIS');
check(release.mac?.target?.includes('dmg'), 'macOS must build dmg');
const schemes = (release.protocols ?? []).flatMap((protocol) => protocol.schemes);
check(schemes.includes('tel') && schemes.includes('sip'), 'tel: and sip: must be registered');
check(release.linux?.mimeTypes?.includes('x-scheme-handler/tel'), 'the Linux desktop entry must handle tel:');
check(
  Boolean(release.mac?.extendInfo?.NSMicrophoneUsageDescription),
  'macOS needs a microphone usage description',
);
for (const icon of [
  release.mac?.icon,
  release.win?.icon,
  'resources/icons/512x512.png',
  'resources/icons/256x256.png',
]) {
  check(typeof icon === 'string' && existsSync(icon), `icon missing: ${icon}`);
}
const fuses = release.electronFuses ?? {};
check(fuses.runAsNode === false, 'fuse runAsNode must be off');
check(
  fuses.enableNodeOptionsEnvironmentVariable === false,
  'fuse enableNodeOptionsEnvironmentVariable must be off',
);
check(fuses.enableNodeCliInspectArguments === false, 'the release build must not allow the Node inspector');
check(
  fuses.enableEmbeddedAsarIntegrityValidation === true && fuses.onlyLoadAppFromAsar === true,
  'ASAR integrity must be on',
);
check(qa.extends === './electron-builder.yml', 'the QA build must extend the release configuration');
check(qa.electronFuses?.enableNodeCliInspectArguments === true, 'the QA build must let Playwright attach');
check(qa.electronFuses?.runAsNode === false, 'the QA build keeps runAsNode off');
check(release.asar === true, 'the app must be packed as ASAR');
check(packageJson.main === 'dist/electron/main.js', 'package.json main must be the built main process');
const files = release.files ?? [];
for (const needed of ['dist/electron/**', 'dist/preload/**', 'dist/renderer/**'])
  check(files.includes(needed), `files must include ${needed}`);
check(
  Object.keys(packageJson.dependencies ?? {}).every((name) => ['electron-store', 'zod'].includes(name)),
  'only main-process runtime packages may be dependencies (the rest is bundled)',
);

if (problems.length > 0) {
  console.error(
    `Packaging configuration: ${problems.length} problem(s)\n${problems.map((problem) => `- ${problem}`).join('\n')}`,
  );
  process.exit(1);
}
console.log(
  'Packaging configuration valid: electron-builder schema, targets, icons, protocols, microphone text, fuses.',
);
