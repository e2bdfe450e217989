// Starts a fresh test PBX for one end-to-end run: its own port, its own database, the demo company.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';

const port = process.env.TOLLGATE_E2E_PBX_PORT ?? '5199';
const data = process.env.TOLLGATE_E2E_PBX_DATA ?? 'test-results/pbx';
rmSync(data, { recursive: true, force: true });
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    'test/pbx/main.ts',
    '--port',
    port,
    '--data',
    data,
    '--quiet',
    '--ring-ms',
    '300',
    '--prompt-style',
    process.env.TOLLGATE_PROMPT_STYLE ?? 'answer-first',
  ],
  { stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
