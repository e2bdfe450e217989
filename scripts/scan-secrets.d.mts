export function demoSecrets(seedPath?: string): string[];
export function environmentSecrets(env?: Record<string, string | undefined>): string[];
export function scanForSecrets(roots: string[], secrets: string[]): string[];
