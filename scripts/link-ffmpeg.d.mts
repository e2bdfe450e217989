export function playwrightFfmpegPath(): string;
