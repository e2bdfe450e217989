export const CHROMIUM_CANDIDATES: string[];
export function chromiumPath(): string | null;
export const CHROMIUM_ARGS: string[];
