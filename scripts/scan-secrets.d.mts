export function demoSecrets(seedPath?: string): string[];
export function scanForSecrets(roots: string[], secrets: string[]): string[];
