import { readdirSync, readFileSync } from 'node:fs';
import PostalMime from 'postal-mime';
import type { Address, Email } from 'postal-mime';
import { describe, expect, it } from 'vitest';

// The demo mailbox is the first thing a visitor sees, so each sample must be
// well-formed RFC 5322 and decode to exactly the text it was written with.
const dir = new URL('../../server/demo/mail/', import.meta.url);
const names = readdirSync(dir)
  .filter((n) => n.endsWith('.eml'))
  .sort();
const raw = (name: string): Buffer => readFileSync(new URL(name, dir));

type Expected = {
  subject: string;
  from: string;
  fromName?: string;
  text: string[];
  attachments?: { filename: string | null; mimeType: string }[];
};

const expected: Record<string, Expected> = {
  '01-welcome.eml': {
    subject: 'Welcome to the Popbridge demo',
    from: 'demo@popbridge.example.com',
    text: ['Deleting in the demo is real', 'restarting Popbridge restores all the\nsample messages'],
  },
  '02-newsletter.eml': {
    subject: 'November at the allotment: frost, garlic and the seed swap',
    from: 'news@gazette.example.org',
    text: ['Winter seed swap'],
    attachments: [{ filename: 'leaf.png', mimeType: 'image/png' }],
  },
  '03-order-shipped.eml': {
    subject: 'Your order NB-20417 has shipped',
    from: 'orders@shop.example.com',
    text: ['Total (incl. VAT)                             € 60.40'],
  },
  '04-invoice-pdf.eml': {
    subject: 'Invoice INV-2026-1187 for November',
    from: 'billing@hosting.example.net',
    text: ['Amount due: EUR 28.00'],
    attachments: [{ filename: 'INV-2026-1187.pdf', mimeType: 'application/pdf' }],
  },
  '05-expenses-csv.eml': {
    subject: 'Dépenses de novembre (fichier joint)',
    from: 'camille.laurent@atelier.example.org',
    text: ['voici le récapitulatif de mes dépenses pour novembre'],
    attachments: [{ filename: 'Récapitulatif des dépenses – novembre.csv', mimeType: 'text/csv' }],
  },
  '06-german-latin1.eml': {
    subject: 'Grüße vom Herbstfest: Rückblick und nächste Termine',
    from: 'juergen.haeussler@verein.example.org',
    fromName: 'Jürgen Häußler',
    text: ['Trotz des Regens kamen über 120 Gäste', 'Clubhaus an der Mühlenstraße statt.'],
  },
  '07-japanese-iso2022jp.eml': {
    subject: '来週の打ち合わせについて',
    from: 'tanaka.yuki@shiten.example.com',
    fromName: '田中 由紀',
    text: ['いつもお世話になっております。田中です。', '11月26日（木）の午後2時からでいかがでしょうか。'],
  },
  '08-russian-koi8r.eml': {
    subject: 'Отчёт за ноябрь и планы на декабрь',
    from: 'o.smirnova@office.example.net',
    fromName: 'Ольга Смирнова',
    text: ['Добрый день, коллеги!', 'Резервные копии теперь проверяются каждую пятницу.'],
  },
  '09-greek-utf8-base64.eml': {
    subject: 'Εκδρομή στη Νάξο τον Δεκέμβριο',
    from: 'eleni.papadopoulou@example.org',
    fromName: 'Ελένη Παπαδοπούλου',
    text: ['Κλείσαμε τελικά το πλοίο για τη Νάξο', 'Τα λέμε σύντομα,\nΕλένη'],
  },
  '10-flowed-links.eml': {
    subject: "Links from yesterday's talk on self-hosting",
    from: 'sam@example.net',
    // format=flowed: the soft breaks are joined into one line per paragraph.
    text: [
      'thanks for coming to the talk on self-hosting small-team services yesterday. As promised, here are the links I mentioned, in the order they came up:',
      'https://wiki.example.net/ops/backup-checklist',
      '\n-- \nSam Okafor',
    ],
  },
  '11-thread-reply.eml': {
    subject: 'Re: Re: Moving the shared mailbox to the new provider',
    from: 'priya.raman@example.com',
    text: ['> B) Staged:', '>> Notes from the call with the new provider:', '>>> Could one of you set up a call'],
  },
  '12-calendar-invite.eml': {
    subject: 'Invitation: Q1 2027 planning review @ Thu 3 Dec 2026 14:00 - 15:00 (CET)',
    from: 'hannah.berg@planning.example.com',
    text: ['When: Thursday 3 December 2026, 14:00 - 15:00 (CET)'],
    attachments: [{ filename: null, mimeType: 'text/calendar' }],
  },
  '13-team-lunch-cc.eml': {
    subject: 'Team lunch on Friday — who’s in?',
    from: 'marta.nowak@studio.example.com',
    text: ['the studio pays for lunch this\nFriday at 12:30'],
  },
};

const parsed = new Map<string, Email>();
async function parse(name: string): Promise<Email> {
  let email = parsed.get(name);
  if (!email) {
    email = await PostalMime.parse(raw(name));
    parsed.set(name, email);
  }
  return email;
}
const mailboxes = (list: Address[] | Address | undefined) =>
  (Array.isArray(list) ? list : list ? [list] : []).flatMap((a) => (a.group ? a.group : [a]));

describe('demo sample mail', () => {
  it('has a dozen samples, each with an expectation below', () => {
    expect(names.length).toBeGreaterThanOrEqual(12);
    expect(names.length).toBeLessThanOrEqual(14);
    expect(names).toEqual(Object.keys(expected).sort());
  });

  describe.each(names)('%s', (name) => {
    const bytes = raw(name);
    const text = bytes.toString('latin1');

    it('uses CRLF line endings and lines of at most 998 octets', () => {
      expect(text.endsWith('\r\n')).toBe(true);
      expect(text).not.toMatch(/[^\r]\n|\r[^\n]/);
      for (const line of text.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    });

    it('keeps headers in 7-bit and declares 8bit where a body uses it', () => {
      const head = text.slice(0, text.indexOf('\r\n\r\n'));
      expect(head).not.toMatch(/[^\x00-\x7f]/);
      if (/[\x80-\xff]/.test(text)) expect(text).toMatch(/^Content-Transfer-Encoding: 8bit\r$/im);
      expect(text).not.toContain('\x00');
    });

    it('parses with from, subject, date and the intended decoded text', async () => {
      const want = expected[name]!;
      const email = await parse(name);
      expect(email.subject).toBe(want.subject);
      const from = mailboxes(email.from)[0];
      expect(from?.address).toBe(want.from);
      if (want.fromName) expect(from?.name).toBe(want.fromName);
      expect(Number.isNaN(Date.parse(email.date ?? ''))).toBe(false);
      expect(email.messageId).toMatch(/^<[^<>\s]+@[^<>\s]+>$/);
      const body = (email.text ?? '').replace(/\r\n/g, '\n');
      for (const snippet of want.text) expect(body).toContain(snippet);
      expect(email.attachments.map((a) => ({ filename: a.filename, mimeType: a.mimeType }))).toEqual(
        want.attachments ?? [],
      );
    });

    it('uses only example.com, example.org and example.net addresses', async () => {
      const email = await parse(name);
      const all = [email.from, email.to, email.cc, email.replyTo].flatMap((l) => mailboxes(l));
      expect(all.length).toBeGreaterThan(0);
      for (const a of all) expect(a.address).toMatch(/@([a-z0-9-]+\.)*example\.(com|org|net)$/);
    });
  });

  it('is in delivery order: dates increase with the file name', async () => {
    const dates: number[] = [];
    for (const name of names) dates.push(Date.parse((await parse(name)).date ?? ''));
    expect(dates).toEqual([...dates].sort((a, b) => a - b));
    expect(new Set(dates).size).toBe(dates.length);
  });

  it('newsletter: inline image by cid, remote image left for the user to allow', async () => {
    const email = await parse('02-newsletter.eml');
    const logo = email.attachments[0]!;
    expect(logo.contentId).toBe('<logo.7f3a@gazette.example.org>');
    expect(logo.related).toBe(true);
    expect(email.html).toContain('src="cid:logo.7f3a@gazette.example.org"');
    expect(email.html).toMatch(/src="https:\/\/images\.example\.com\/[^"]+"/);
    const png = new Uint8Array(logo.content as ArrayBuffer);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('order: alternative text and HTML parts both decode', async () => {
    const email = await parse('03-order-shipped.eml');
    expect(email.html).toContain('<strong>€&nbsp;60.40</strong>');
  });

  it('invoice: the attachment is a PDF whose xref points at its objects', async () => {
    const email = await parse('04-invoice-pdf.eml');
    const pdf = Buffer.from(email.attachments[0]!.content as ArrayBuffer).toString('latin1');
    expect(pdf.startsWith('%PDF-1.4\n')).toBe(true);
    expect(pdf.trimEnd().endsWith('%%EOF')).toBe(true);
    const xref = Number(/startxref\n(\d+)\n/.exec(pdf)?.[1]);
    expect(pdf.slice(xref, xref + 4)).toBe('xref');
    const offsets = [...pdf.slice(xref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    expect(offsets.length).toBe(5);
    offsets.forEach((off, i) => expect(pdf.slice(off, off + 8)).toBe(`${i + 1} 0 obj\n`));
  });

  it('expenses: the RFC 2231 continued file name and the UTF-8 CSV decode', async () => {
    const email = await parse('05-expenses-csv.eml');
    expect(raw('05-expenses-csv.eml').toString('latin1')).toContain("filename*0*=UTF-8''");
    const csv = new TextDecoder().decode(email.attachments[0]!.content as ArrayBuffer);
    expect(csv.split('\n')[0]).toBe('date;catégorie;description;montant (€)');
    expect(csv).toContain('Train Paris–Lyon aller-retour;97,00');
  });

  it('calendar: a text/calendar REQUEST with the event', async () => {
    const email = await parse('12-calendar-invite.eml');
    const cal = email.attachments[0]!;
    expect(cal.method).toBe('REQUEST');
    // postal-mime hands text parts over with LF line ends.
    const ics = new TextDecoder().decode(cal.content as ArrayBuffer).replace(/\r\n/g, '\n');
    expect(ics).toMatch(/^BEGIN:VCALENDAR\n/);
    expect(ics).toContain('\nSUMMARY:Q1 2027 planning review\n');
    expect(ics).toContain('\nDTSTART:20261203T130000Z\n');
    // RFC 5545 3.1: content lines are folded at 75 octets.
    for (const line of ics.split('\n')) expect(line.length).toBeLessThanOrEqual(75);
  });

  it('team lunch: several To recipients, Cc, and a quoted display name with a comma', async () => {
    const email = await parse('13-team-lunch-cc.eml');
    expect(mailboxes(email.to).map((a) => a.address)).toEqual([
      'reader@example.com',
      'jordan.lee@studio.example.com',
      'aiko.sato@studio.example.com',
    ]);
    expect(mailboxes(email.to)[1]?.name).toBe('Lee, Jordan');
    expect(mailboxes(email.cc).map((a) => a.address)).toEqual([
      'ben.adeyemi@studio.example.com',
      'studio-office@studio.example.com',
    ]);
  });

  it('thread reply: threading headers name the earlier messages', async () => {
    const email = await parse('11-thread-reply.eml');
    expect(email.inReplyTo).toBe('<CAtw-move-0003@mail.example.com>');
    expect(email.references?.split(/\s+/)).toHaveLength(3);
  });

  it('character sets are really the traditional ones, not UTF-8', () => {
    expect(raw('06-german-latin1.eml').toString('latin1')).toContain('=FC');
    expect(raw('07-japanese-iso2022jp.eml').includes(Buffer.from('\x1b$B', 'latin1'))).toBe(true);
    const ru = raw('08-russian-koi8r.eml');
    // "Добрый" in KOI8-R
    expect(ru.includes(Buffer.from([0xe4, 0xcf, 0xc2, 0xd2, 0xd9, 0xca]))).toBe(true);
  });
});
