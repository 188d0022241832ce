/** Codes for failures of the test harnesses themselves (not of Popbridge). */
export type HarnessErrorCode =
  | 'HARNESS_NOT_ROOT'
  | 'HARNESS_MISSING_DEPENDENCY'
  | 'HARNESS_BAD_ARGUMENT'
  | 'HARNESS_COMMAND_FAILED'
  | 'HARNESS_START_TIMEOUT'
  | 'HARNESS_SERVER_EXITED';

export class HarnessError extends Error {
  readonly code: HarnessErrorCode;

  constructor(code: HarnessErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'HarnessError';
    this.code = code;
  }
}

export function requireRoot(what: string): void {
  if (process.getuid?.() !== 0) {
    throw new HarnessError('HARNESS_NOT_ROOT', `${what} must run as root (it starts system daemons and manages system users)`);
  }
}
