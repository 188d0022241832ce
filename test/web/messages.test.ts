import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../../shared/api/index.ts';
import { AppError } from '../../web/lib/api/errors.ts';
import { errorText, noticeText, queuedText } from '../../web/lib/api/messages.ts';

describe('the web app words every error from its code and facts', () => {
  test('every API code has its own text', () => {
    const texts = ErrorCode.options.map((code) => errorText({ code }));
    for (const [i, text] of texts.entries()) expect(text.length, ErrorCode.options[i]).toBeGreaterThan(10);
    expect(new Set(texts).size).toBe(texts.length);
  });

  test('facts join the text: how long to wait, the limit, and the mail server’s own words', () => {
    expect(errorText(AppError.from({ code: 'LOGIN_DELAY', retryAfterSeconds: 290 }))).toMatch(/\(about 5 min\)$/);
    expect(errorText(AppError.from({ code: 'FRAME_TOO_LARGE', limit: 65536 }))).toMatch(/ The limit is 64 KB\.$/);
    expect(errorText(AppError.from({ code: 'AUTH_FAILED', serverText: '[AUTH] Password expired' })))
      .toBe('Wrong username or password. Check them and sign in again. The mail server said: “[AUTH] Password expired”');
  });

  test('a busy server is named with when to try again; a queued sync says why it waits, its place and how long at most', () => {
    expect(errorText(AppError.from({ code: 'SERVER_BUSY', serverLabel: 'Example Mail', retryAfterSeconds: 60 })))
      .toBe('Every connection the mail server “Example Mail” allows Popbridge stayed in use by other mailboxes. Try again in about 1 min.');
    expect(queuedText(2, 57)).toBe('Waiting for a free connection to the mail server: it takes only a few at once from Popbridge and other mailboxes are using them (you are number 2 in line); at most 57 s more…');
    expect(queuedText(1, 600)).toContain('at most 10 min more');
    expect(queuedText()).not.toContain('at most');
  });

  test('a slow server is named, with the limit it passed; a cut-off message blames the mail server', () => {
    expect(errorText(AppError.from({ code: 'SERVER_TOO_SLOW', serverLabel: 'Example Mail', limit: 300 })))
      .toBe('The mail server “Example Mail” is answering too slowly (the list took more than 5 min); the list shows what arrived. Try Refresh later.');
    expect(errorText(AppError.from({ code: 'SERVER_TOO_SLOW', serverLabel: 'Example Mail', limit: 30 }))).toContain('more than 30 s');
    expect(errorText({ code: 'MESSAGE_INTERRUPTED' })).toBe('The mail server closed the connection while sending this message; try again.');
  });

  test('mailbox notices are worded here too, from their facts', () => {
    expect(noticeText({ type: 'mailboxNotice', account: 'a', notice: 'EXPIRE_DAYS', days: 30 })).toContain('after 30 days');
    expect(noticeText({ type: 'mailboxNotice', account: 'a', notice: 'LOGIN_DELAY', seconds: 600 })).toContain('every 10 min');
    expect(noticeText({ type: 'mailboxNotice', account: 'a', notice: 'EXPIRE_ON_READ', days: 0 })).toContain('once it is opened');
  });
});
