import { describe, expect, test } from 'vitest';
import { AppError } from '../../web/lib/api/errors.ts';
import { errorText } from '../../web/lib/api/messages.ts';

describe('sending errors say what happened and name the facts', () => {
  test('an unknown outcome says it may have gone and is not retried automatically', () => {
    const text = errorText({ code: 'SMTP_OUTCOME_UNKNOWN' });
    expect(text).toContain('may have been sent');
    expect(text).toContain('does not retry it automatically');
  });

  test('a refused recipient is named with the server’s reason', () => {
    expect(errorText(AppError.from({ code: 'SMTP_RECIPIENT_REFUSED', recipient: 'x@example.org', serverText: '550 5.1.1 no such user' })))
      .toMatch(/refused a recipient.* Address: x@example\.org\. The mail server said: “550 5\.1\.1 no such user”$/);
  });

  test('limits are given in their unit', () => {
    expect(errorText(AppError.from({ code: 'SMTP_MESSAGE_TOO_LARGE', limit: 10_485_760 }))).toMatch(/The limit is 10 MB\.$/);
    expect(errorText(AppError.from({ code: 'ATTACHMENT_TOO_LARGE', limit: 26_214_400 }))).toMatch(/The limit is 25 MB\.$/);
    expect(errorText(AppError.from({ code: 'SEND_RATE_LIMITED', limit: 30, retryAfterSeconds: 600 }))).toMatch(/\(about 10 min\) The limit is 30 messages per hour\.$/);
    expect(errorText(AppError.from({ code: 'TOO_MANY_RECIPIENTS', limit: 50 }))).toMatch(/The limit is 50 recipients\.$/);
    expect(errorText(AppError.from({ code: 'TOO_MANY_ATTACHMENTS', limit: 20 }))).toMatch(/The limit is 20 files\.$/);
  });
});
