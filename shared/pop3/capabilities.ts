/** RFC 2449 CAPA, read into typed fields. */
export interface Capabilities {
  /** False when the server has no CAPA (an RFC 1939 minimal server). */
  known: boolean;
  /** The capability lines as sent. */
  raw: string[];
  top: boolean;
  uidl: boolean;
  user: boolean;
  pipelining: boolean;
  respCodes: boolean;
  authRespCode: boolean;
  stls: boolean;
  /** RFC 6856 UTF8: the server accepts UTF-8 in USER, PASS and APOP. */
  utf8: boolean;
  /** SASL mechanisms, upper-case. */
  sasl: string[];
  /** EXPIRE: days kept after retrieval; 0 means mail is deleted once read. */
  expire: { days: number | 'NEVER'; perUser: boolean } | null;
  loginDelay: { seconds: number; perUser: boolean } | null;
  implementation: string | null;
}

export const UNKNOWN_CAPABILITIES: Capabilities = Object.freeze({
  known: false,
  raw: [],
  top: false,
  uidl: false,
  user: false,
  pipelining: false,
  respCodes: false,
  authRespCode: false,
  stls: false,
  utf8: false,
  sasl: [],
  expire: null,
  loginDelay: null,
  implementation: null,
}) as Capabilities;

export function parseCapabilities(lines: readonly string[]): Capabilities {
  const capabilities: Capabilities = { ...UNKNOWN_CAPABILITIES, known: true, raw: [...lines], sasl: [] };
  for (const line of lines) {
    const [tag = '', ...params] = line.trim().split(/[ \t]+/);
    const perUser = params[1]?.toUpperCase() === 'USER';
    switch (tag.toUpperCase()) {
      case 'TOP': capabilities.top = true; break;
      case 'UIDL': capabilities.uidl = true; break;
      case 'USER': capabilities.user = true; break;
      case 'PIPELINING': capabilities.pipelining = true; break;
      case 'RESP-CODES': capabilities.respCodes = true; break;
      case 'AUTH-RESP-CODE': capabilities.authRespCode = true; break;
      case 'STLS': capabilities.stls = true; break;
      case 'UTF8': capabilities.utf8 = true; break;
      case 'SASL':
        capabilities.sasl = params.map((mechanism) => mechanism.toUpperCase());
        break;
      case 'EXPIRE': {
        const value = params[0]?.toUpperCase();
        if (value === 'NEVER') capabilities.expire = { days: 'NEVER', perUser };
        else if (value !== undefined && /^\d+$/.test(value)) capabilities.expire = { days: Number(value), perUser };
        break;
      }
      case 'LOGIN-DELAY': {
        const value = params[0];
        if (value !== undefined && /^\d+$/.test(value)) capabilities.loginDelay = { seconds: Number(value), perUser };
        break;
      }
      case 'IMPLEMENTATION':
        capabilities.implementation = params.join(' ') || null;
        break;
    }
  }
  return capabilities;
}
