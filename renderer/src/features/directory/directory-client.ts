import { z } from 'zod';

/**
 * The company directory from the PBX's policy API (`GET /policy/directory`, extension token like
 * `/policy`). A PBX without the API (Kamailio) answers nothing or 404: the directory then shows the
 * favourites only and says the PBX offers no directory.
 */
export const DirectoryResponseSchema = z.object({
  entries: z.array(z.object({ extension: z.string().min(1).max(64), name: z.string().max(128) })).max(5000),
  presence: z.boolean(),
});
export type DirectoryResponse = z.output<typeof DirectoryResponseSchema>;

export type DirectoryStatus =
  | { kind: 'no-api' }
  | { kind: 'loading' }
  | { kind: 'ready'; directory: DirectoryResponse }
  | { kind: 'unavailable'; problem: 'network' | 'credentials' | 'server' | 'invalid-response' };

export async function fetchDirectory(
  fetcher: typeof fetch,
  apiUrl: string,
  extension: string,
  password: string,
): Promise<DirectoryStatus> {
  const base = apiUrl.replace(/\/$/, '');
  try {
    const signIn = await fetcher(`${base}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ extension, password }),
    });
    if (signIn.status === 401 || signIn.status === 400)
      return { kind: 'unavailable', problem: 'credentials' };
    if (!signIn.ok) return { kind: 'unavailable', problem: 'server' };
    const token = ((await signIn.json().catch(() => null)) as { token?: unknown } | null)?.token;
    if (typeof token !== 'string') return { kind: 'unavailable', problem: 'invalid-response' };
    const response = await fetcher(`${base}/policy/directory`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    // A policy API from before the directory: the PBX offers none.
    if (response.status === 404) return { kind: 'no-api' };
    if (response.status === 401) return { kind: 'unavailable', problem: 'credentials' };
    if (!response.ok) return { kind: 'unavailable', problem: 'server' };
    const parsed = DirectoryResponseSchema.safeParse(await response.json().catch(() => null));
    return parsed.success
      ? { kind: 'ready', directory: parsed.data }
      : { kind: 'unavailable', problem: 'invalid-response' };
  } catch {
    return { kind: 'unavailable', problem: 'network' };
  }
}
