/** Stable codes for failures of the embedded POP3 server's own API (not
 * protocol replies: those are ordinary -ERR lines to the client). */
export type Pop3dErrorCode =
  /** The options given to startPop3Server are inconsistent. */
  | 'POP3D_INVALID_OPTIONS'
  /** A maildrop folder could not be read. */
  | 'POP3D_MAILDROP_LOAD_FAILED'
  /** A committed deletion could not remove a message's file. */
  | 'POP3D_MAILDROP_UPDATE_FAILED'
  /** deliver() or maildrop() named a user the server does not know. */
  | 'POP3D_UNKNOWN_USER';

export class Pop3dError extends Error {
  readonly code: Pop3dErrorCode;
  constructor(code: Pop3dErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'Pop3dError';
    this.code = code;
  }
}
