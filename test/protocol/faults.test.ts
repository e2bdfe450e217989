import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSettingsStore, type KeyValueStore, type StoreOptions } from '../../electron/main/settings-store';
import { createHostHandlers } from '../../shared/host/host-service';
import { dispatchHostCall } from '../../shared/ipc/dispatch';
import { PbxServer } from '../pbx/server';
import { createSafeStorageSealer } from '../../electron/main/secret-sealer';
import { fakeSafeStorage } from '../unit/electron/fakes';

const freshDirectory = () => mkdtempSync(join(tmpdir(), 'tollgate-faults-'));

describe('PBX database at start', () => {
  it('refuses to start on a locked database with a clear error, and changes nothing', async () => {
    const databasePath = join(freshDirectory(), 'pbx.sqlite');
    const first = new PbxServer({ port: 0, databasePath });
    expect((await first.start()).databaseCreated).toBe(true);
    first.db.setIvrAuthentication('201', false); // an admin change that must survive
    await first.stop();

    const holder = new Database(databasePath);
    holder.exec('BEGIN EXCLUSIVE');
    await expect(new PbxServer({ port: 0, databasePath }).start()).rejects.toThrow(
      /locked by another process.*nothing was changed/,
    );
    holder.exec('ROLLBACK');
    holder.close();

    const again = new PbxServer({ port: 0, databasePath });
    expect((await again.start()).databaseCreated).toBe(false);
    expect(again.db.findExtension('201')?.ivrAuthentication).toBe(false);
    await again.stop();
  });

  it('says so when the database file was removed and a new one is made', async () => {
    const directory = freshDirectory();
    const databasePath = join(directory, 'pbx.sqlite');
    const first = new PbxServer({ port: 0, databasePath });
    await first.start();
    await first.stop();
    rmSync(databasePath);
    const second = new PbxServer({ port: 0, databasePath });
    expect((await second.start()).databaseCreated).toBe(true);
    expect(second.db.listExtensions('muster-gmbh')).toHaveLength(4);
    await second.stop();
  });

  it('leaves a file that is not a database alone and says what to do', async () => {
    const directory = freshDirectory();
    const databasePath = join(directory, 'pbx.sqlite');
    (await import('node:fs')).writeFileSync(databasePath, 'this is not sqlite, but somebody’s notes');
    await expect(new PbxServer({ port: 0, databasePath }).start()).rejects.toThrow(
      /not a readable PBX database.*left as it is/,
    );
    expect((await import('node:fs')).readFileSync(databasePath, 'utf8')).toContain('somebody’s notes');
  });
});

describe('settings that cannot be written', () => {
  it('are reported as settings-unwritable, and the settings in use stay as they were', async () => {
    const directory = freshDirectory();
    let writable = true;
    const store = (options: StoreOptions): KeyValueStore => {
      let document: Record<string, unknown> = {};
      return {
        path: join(options.cwd, 'settings.json'),
        get store() {
          return document;
        },
        set store(next: Record<string, unknown>) {
          if (!writable) throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
          document = next;
        },
      };
    };
    const opened = openSettingsStore(directory, store);
    const handlers = createHostHandlers(
      opened.repository,
      createSafeStorageSealer(fakeSafeStorage(), 'linux'),
      {
        appInfo: () => {
          throw new Error('not needed');
        },
        takePendingDialLink: () => null,
      },
    );
    writable = false;
    const result = await dispatchHostCall(handlers, 'updatePreferences', { language: 'en' });
    expect(result).toMatchObject({ ok: false, error: { code: 'settings-unwritable' } });
    expect(opened.repository.read().language).toBe('system');
  });
});
