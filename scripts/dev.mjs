// `npm run dev`: Vite's dev server with hot reload, and Electron pointed at it where its binary exists.
import { spawn } from 'node:child_process';
import { createServer } from 'vite';
import { ELECTRON_MISSING_MESSAGE, electronBinaryPath } from './electron-binary.mjs';

const server = await createServer();
await server.listen();
const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5173/';
const electron = electronBinaryPath();
if (electron) {
  await import('./build-electron.mjs');
  const child = spawn(electron, ['.'], {
    stdio: 'inherit',
    env: { ...process.env, TOLLGATE_DEV_SERVER_URL: url },
  });
  child.on('exit', async (code) => {
    await server.close();
    process.exit(code ?? 0);
  });
} else {
  console.log(
    `${ELECTRON_MISSING_MESSAGE}\nThe renderer runs with the browser host at ${url}browser.html (hot reload on).`,
  );
}
