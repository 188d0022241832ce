import { DOT, CR, LF } from './bytes.ts';

export type BodyMode = 'message' | 'listing';

export interface DecodeStep {
  /** Index of the first byte not consumed; bytes from here belong to a later call or the next reply. */
  next: number;
  /** Dot-unstuffed data, as views into the input where possible (no copy). */
  chunks: Uint8Array[];
  /** The terminator line was read. */
  ended: boolean;
}

/**
 * Reads a multi-line body incrementally (RFC 1939 section 3, V0002): a line
 * "." CRLF ends it, a leading "." of any other line is removed. It keeps only
 * which part of a line it is in, so the terminator and stuffed dots may fall
 * across any chunk boundary and a 50 MB message is never held whole.
 *
 * In listing mode (LIST, UIDL, CAPA) every line that begins with "." ends
 * the body, whatever follows the dot: no listing line can start with one.
 */
export class MultilineDecoder {
  private atLineStart = true;
  private discardingTerminatorLine = false;

  constructor(private readonly mode: BodyMode) {}

  decode(data: Uint8Array, start: number): DecodeStep {
    const chunks: Uint8Array[] = [];
    let pos = start;
    let segmentStart = -1;
    const flush = (end: number): void => {
      if (segmentStart >= 0 && end > segmentStart) chunks.push(data.subarray(segmentStart, end));
      segmentStart = -1;
    };

    while (pos < data.length) {
      if (this.discardingTerminatorLine) {
        const lf = data.indexOf(LF, pos);
        if (lf < 0) return { next: data.length, chunks, ended: false };
        return { next: lf + 1, chunks, ended: true };
      }
      if (this.atLineStart && data[pos] === DOT) {
        flush(pos);
        if (this.mode === 'listing') {
          this.discardingTerminatorLine = true;
          pos++;
          continue;
        }
        // Need the octets after the dot to tell the terminator from a stuffed dot.
        if (pos + 1 >= data.length) break;
        const second = data[pos + 1];
        if (second === LF) return { next: pos + 2, chunks, ended: true };
        if (second === CR) {
          if (pos + 2 >= data.length) break;
          if (data[pos + 2] === LF) return { next: pos + 3, chunks, ended: true };
        }
        pos++; // a stuffed dot: drop it, keep the rest of the line
      }
      this.atLineStart = false;
      if (segmentStart < 0) segmentStart = pos;
      const lf = data.indexOf(LF, pos);
      if (lf < 0) {
        pos = data.length;
        break;
      }
      pos = lf + 1;
      this.atLineStart = true;
    }
    flush(pos);
    return { next: pos, chunks, ended: false };
  }
}
