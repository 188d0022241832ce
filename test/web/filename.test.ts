import { describe, expect, it } from 'vitest';
import { downloadFileName, visibleFileName } from '../../web/lib/mail/filename.ts';

describe('file names', () => {
  it('shows a right-to-left override and other hidden characters as visible marks', () => {
    expect(visibleFileName('invoice\u202egpj.exe')).toBe('invoice[U+202E]gpj.exe');
    expect(visibleFileName('a\u200bb\u2066c\u0007')).toBe('a[U+200B]b[U+2066]c[U+0007]');
    expect(visibleFileName(null)).toBe('Unnamed attachment');
  });

  it('saves under a name without hidden characters or path parts', () => {
    expect(downloadFileName('invoice\u202egpj.exe')).toBe('invoicegpj.exe');
    expect(downloadFileName('../../etc/passwd')).toBe('_.._etc_passwd');
    expect(downloadFileName('  ...  ')).toBe('attachment');
    expect(downloadFileName('Café.pdf')).toBe('Café.pdf');
  });
});

describe('every hidden character in a file name', () => {
  it('shows soft hyphens, Mongolian vowel separators, Hangul fillers, tags and interlinear marks', async () => {
    const { visibleFileName } = await import('../../web/lib/mail/filename.ts');
    expect(visibleFileName('a\u180Eb\u3164c\u00ADd\u{E0041}e\uFFF9f.exe')).toBe('a[U+180E]b[U+3164]c[U+00AD]d[U+E0041]e[U+FFF9]f.exe');
  });
});
