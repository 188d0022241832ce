/**
 * mbox files as popa3d reads them: each message starts with a "From " line
 * after a blank line (or at the start of the file) and ends with a blank
 * line. Body lines that would look like a separator are quoted the mboxrd
 * way (">From " gains one more ">"). popa3d serves the stored text as is,
 * turning LF into CRLF, and does not unquote.
 *
 * mbox stores LF line ends, so CRLF in the input becomes LF; readMbox gives
 * messages back unquoted, with LF line ends, each ending in a newline.
 */

// asctime() form, as in a real From_ line; the date itself is not used.
const FROM_LINE = 'From popbridge-test@localhost Thu Jan  1 00:00:00 2026\n';

function toText(message: Uint8Array | string): string {
  // latin1 keeps every byte as one char, so 8-bit mail survives the round trip.
  return typeof message === 'string' ? message : Buffer.from(message).toString('latin1');
}

export function formatMbox(messages: Array<Uint8Array | string>): Buffer {
  const parts = messages.map((message) => {
    let text = toText(message).replace(/\r\n/g, '\n');
    if (!text.endsWith('\n')) text += '\n';
    return FROM_LINE + text.replace(/^(>*From )/gm, '>$1') + '\n';
  });
  return Buffer.from(parts.join(''), 'latin1');
}

export function parseMbox(bytes: Uint8Array): Buffer[] {
  const text = Buffer.from(bytes).toString('latin1');
  if (text === '') return [];
  const lines = text.split('\n');
  // split gives a trailing '' after the final newline.
  if (lines[lines.length - 1] === '') lines.pop();
  const messages: string[][] = [];
  let previousBlank = true;
  for (const line of lines) {
    if (previousBlank && line.startsWith('From ')) {
      messages.push([]);
    } else {
      const current = messages[messages.length - 1];
      if (current === undefined) throw new Error('mbox does not start with a From_ line');
      current.push(line);
    }
    previousBlank = line === '';
  }
  return messages.map((body) => {
    // The blank line before the next From_ line (or at the end) separates.
    if (body[body.length - 1] === '') body.pop();
    const unquoted = body.map((line) => line.replace(/^>(>*From )/, '$1'));
    return Buffer.from(unquoted.join('\n') + '\n', 'latin1');
  });
}
