/**
 * format=flowed (RFC 3676 section 4): a line ending in a space continues on
 * the next line of the same quote depth; "-- " is never flowed; one space
 * after the quote marks is stuffing. Quote marks of continuation lines are
 * dropped when joining (postal-mime keeps them in the middle of the text).
 */
export function unflow(text: string, delSp: boolean): string {
  const out: string[] = [];
  let open: { depth: number; text: string } | null = null;
  for (const line of text.split(/\r?\n/)) {
    const depth = /^>*/.exec(line)![0].length;
    const stuffed = line[depth] === ' ';
    const content = line.slice(depth + (stuffed ? 1 : 0));
    // Section 4.5: a flowed line followed by a different quote depth is fixed after all.
    if (open && open.depth !== depth) {
      out.push(open.text);
      open = null;
    }
    const start: string = open ? open.text : '>'.repeat(depth) + (depth && stuffed ? ' ' : '');
    const flowed = content.endsWith(' ') && content !== '-- ';
    const joined = start + (flowed && delSp ? content.slice(0, -1) : content);
    if (flowed) open = { depth, text: joined };
    else {
      out.push(joined);
      open = null;
    }
  }
  if (open) out.push(open.text);
  return out.join('\n');
}
