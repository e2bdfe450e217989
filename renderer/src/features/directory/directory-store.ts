import { fetchDirectory, type DirectoryStatus } from './directory-client';

/**
 * One directory per account, shared by every component that shows names (Verlauf, call screen,
 * dialer, the Verzeichnis tab): fetched once when first asked for, again on `refresh()`.
 */
export interface DirectoryAccount {
  apiUrl: string | null;
  extension: string;
}

type Listener = () => void;

export class DirectoryStore {
  private status: DirectoryStatus = { kind: 'no-api' };
  private key: string | null = null;
  private readonly listeners = new Set<Listener>();
  private generation = 0;

  constructor(
    private readonly fetcher: typeof fetch,
    private readonly password: () => Promise<string | null>,
  ) {}

  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): DirectoryStatus => this.status;

  /** Switches to an account (no-op if unchanged) and loads its directory. */
  use(account: DirectoryAccount | null): void {
    const key = account?.apiUrl ? `${account.apiUrl}\n${account.extension}` : null;
    if (key === this.key) return;
    this.key = key;
    if (!account?.apiUrl) {
      this.generation++;
      this.set({ kind: 'no-api' });
      return;
    }
    void this.load(account.apiUrl, account.extension);
  }

  refresh(account: DirectoryAccount | null): void {
    this.key = null;
    this.use(account);
  }

  private async load(apiUrl: string, extension: string): Promise<void> {
    const generation = ++this.generation;
    if (this.status.kind !== 'ready') this.set({ kind: 'loading' });
    const password = await this.password().catch(() => null);
    if (generation !== this.generation) return;
    if (password === null) {
      this.set({ kind: 'unavailable', problem: 'credentials' });
      return;
    }
    const status = await fetchDirectory(this.fetcher, apiUrl, extension, password);
    if (generation === this.generation) this.set(status);
  }

  private set(status: DirectoryStatus): void {
    this.status = status;
    for (const listener of this.listeners) listener();
  }
}
