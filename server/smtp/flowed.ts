/**
 * Plain text as RFC 3676 format=flowed: long lines are broken after a space
 * (a trailing space marks a soft break the reader may rejoin), quote depth is
 * repeated on every piece, and lines that could be misread are space-stuffed.
 */

/** Preferred line length (RFC 3676 section 4.2: 78 or fewer, 66 suggested for readers). */
const WIDTH = 76;

export function toFlowed(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map(flowLine)
    .join('\r\n');
}

function flowLine(line: string): string {
  // The signature separator keeps its trailing space; it is no soft break (section 4.3).
  if (line === '-- ') return line;
  const quote = /^>+/.exec(line)?.[0] ?? '';
  // A space after the quote marks is stuffing, not content (section 4.5).
  let content = line.slice(quote.length);
  if (quote && content.startsWith(' ')) content = content.slice(1);
  // Trailing spaces the person typed would read as soft breaks: trim them (section 4.2).
  content = content.replace(/ +$/, '');
  const prefix = quote ? `${quote} ` : '';
  return wrap(content, WIDTH - prefix.length)
    .map((piece) => prefix + (quote ? piece : stuff(piece)))
    .join('\r\n');
}

/** Space-stuffing (section 4.4): a leading space, "From " or ">" would change meaning. */
function stuff(piece: string): string {
  return /^( |>|From )/.test(piece) ? ` ${piece}` : piece;
}

/** Breaks after spaces so each piece but the last ends with one; a word longer than width stays whole. */
function wrap(content: string, width: number): string[] {
  if (content.length <= width) return [content];
  const pieces: string[] = [];
  let current = '';
  for (const word of content.match(/[^ ]*( +|$)/g) ?? []) {
    if (word === '') continue;
    if (current !== '' && current.length + word.trimEnd().length > width) {
      pieces.push(current);
      current = '';
    }
    current += word;
  }
  if (current !== '') pieces.push(current);
  return pieces;
}
