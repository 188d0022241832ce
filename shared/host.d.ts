// The one host API shared code may use: the WHATWG text codec, which Node,
// browsers and workers all have. Only shared/tsconfig.json reads this file;
// the other projects get the full types from the DOM lib or @types/node.

declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  readonly encoding: string;
  readonly fatal: boolean;
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
