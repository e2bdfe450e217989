export function electronBinaryPath(): string | null;
export const ELECTRON_MISSING_MESSAGE: string;
