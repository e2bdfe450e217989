/**
 * The few Web-platform globals that shared/ may use because both Node and browsers have them.
 * Only tsconfig.shared.json includes this file (the other projects get them from their own libs),
 * so shared/ cannot reach for anything else of the DOM or Node.
 */
declare class URL {
  constructor(url: string, base?: string);
  readonly origin: string;
  readonly protocol: string;
  readonly host: string;
  readonly hostname: string;
  readonly port: string;
  readonly pathname: string;
  readonly username: string;
  readonly password: string;
  readonly search: string;
  toString(): string;
}
declare function btoa(data: string): string;
declare function atob(data: string): string;
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
