// Named limits of the POP3 server, each with the abuse it stops.

/** RFC 2449 §4: a command line, CRLF included, is at most 255 octets. Longer
 * complete lines are refused with -ERR; the session survives. */
export const MAX_COMMAND_LINE_OCTETS = 255;

/** RFC 5034 lifts the 255-octet limit for SASL responses; this bound stops a
 * client that streams bytes with no line end from growing our buffer
 * forever. Past it the server answers -ERR and closes. */
export const MAX_LINE_BUFFER_OCTETS = 8192;

/** Input waiting for the command loop (a pipelining client that never reads
 * its replies). Past it the socket is paused until the loop catches up. */
export const MAX_PENDING_INPUT_OCTETS = 64 * 1024;

/** Unknown or malformed commands tolerated per connection before the server
 * hangs up on a client that is clearly not speaking POP3. */
export const MAX_BAD_COMMANDS = 20;

/** Failed authentication attempts per connection before hanging up, which
 * slows password guessing down to one connection per few guesses. */
export const MAX_AUTH_FAILURES = 5;

/** RFC 1939 §3: the autologout timer is at least 10 minutes. */
export const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60 * 1000;

/** Multi-line replies are written in batches of this size, so a large RETR
 * is never one buffer and honours socket back-pressure between batches. */
export const WRITE_BATCH_OCTETS = 64 * 1024;
