import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'url'];

/**
 * The test PBX in layers that import only downward (docs/test-pbx.md, "Layers"). Top to bottom:
 * composition root → api, routing → applications → media, sip → transport → base. The store is a
 * port: layers import the types in store/ports.ts; only the composition root knows store/database.ts.
 * Each entry lists what a layer may import besides itself; everything else in test/pbx is refused.
 */
const PBX_LAYERS = {
  root: { paths: ['server.ts', 'main.ts'], may: 'all' },
  api: { paths: ['api'], may: ['applications', 'media', 'sip', 'transport', 'ports', 'base'] },
  routing: { paths: ['routing'], may: ['applications', 'media', 'sip', 'transport', 'ports', 'base'] },
  applications: { paths: ['calls', 'ivr', 'pstn'], may: ['media', 'sip', 'transport', 'ports', 'base'] },
  media: { paths: ['media'], may: ['base'] },
  sip: { paths: ['sip'], may: ['transport', 'base'] },
  transport: { paths: ['transport'], may: ['base'] },
  // The store implements the ports; the PIN gate's rules reach it as a value (store/ports.ts, StoreGateRules).
  store: { paths: ['store'], may: ['base'] },
  base: { paths: ['crypto', 'log.ts'], may: [] },
};
const pbxPath = (path) => `./test/pbx/${path}`;
function pbxLayerZones() {
  const zones = [];
  for (const [name, layer] of Object.entries(PBX_LAYERS)) {
    if (layer.may === 'all') continue;
    const may = new Set([name, ...layer.may]);
    const message = `test/pbx layer "${name}" imports only ${[...layer.may].join(', ') || 'nothing of the PBX'} (docs/test-pbx.md).`;
    const refused = Object.entries(PBX_LAYERS)
      .filter(([other]) => !may.has(other) && other !== 'store')
      .flatMap(([, other]) => other.paths)
      .map(pbxPath);
    for (const target of layer.paths.map(pbxPath)) {
      zones.push({ target, from: refused, message });
      if (name !== 'store') {
        // The store only through its ports (types); the SQLite class belongs to the composition root.
        zones.push({
          target,
          from: pbxPath('store'),
          except: may.has('ports') ? ['./ports.ts'] : [],
          message: may.has('ports')
            ? `${message} The store only through store/ports.ts.`
            : `${message} No store.`,
        });
      }
    }
  }
  return zones;
}

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'release/',
      'coverage/',
      'playwright-report/',
      'test-results/',
      'node_modules/',
      'reports/',
      '.stryker-tmp*/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.tsx', '.js'] })],
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Runtime boundaries by folder: shared/ knows neither DOM nor Node; renderer/ never reaches electron/.
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './shared',
              from: ['./electron', './renderer', './test'],
              message: 'shared/ is pure code.',
            },
            {
              target: './renderer',
              from: ['./electron', './test'],
              message: 'The renderer talks to the host only through the contract.',
            },
            {
              target: './electron',
              from: ['./renderer', './test'],
              message: 'The main process does not import renderer code.',
            },
            ...pbxLayerZones(),
          ],
        },
      ],
      'import-x/no-cycle': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'react'],
          patterns: [{ group: nodeBuiltins, message: 'shared/ must run in Node and in the browser.' }],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}', 'test/unit/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron'],
          patterns: [{ group: nodeBuiltins, message: 'The renderer runs in a sandboxed page.' }],
        },
      ],
    },
  },
);
