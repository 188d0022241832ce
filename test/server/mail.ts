/** A small distinct test message; `n` shows in the subject and Message-ID. */
export function testMessage(n: number, extra = ''): string {
  const day = String(1 + (n % 28)).padStart(2, '0');
  return `From: Sender ${n} <sender${n}@example.test>\r\nTo: alice@example.test\r\nSubject: Message ${n}${extra}\r\n`
    + `Date: Mon, ${day} Jan 2024 10:00:00 +0000\r\nMessage-ID: <m${n}@example.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n`
    + `Body of message ${n}.\r\n.leading dot line\r\n`;
}
