import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [react()],
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'test/unit/{shared,electron,pbx,bench}/**/*.test.ts',
            'test/protocol/**/*.test.ts',
            'test/security/**/*.test.ts',
          ],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'dom',
          environment: 'jsdom',
          include: ['test/unit/{renderer,browser-host}/**/*.test.{ts,tsx}'],
          setupFiles: ['test/unit/setup-dom.ts'],
        },
      },
    ],
  },
});
