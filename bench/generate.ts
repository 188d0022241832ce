// Deterministic generator of realistic mail for benchmarks.
//
// A message depends only on (seed, index), so a mailbox of any size can be
// rebuilt byte for byte, and message i is the same whether 100 or 100,000 are
// generated. Bodies are cut from blocks of text, HTML and base64 built once per
// process, so generating 10,000 messages is mostly memcpy; nothing here loops
// over the bytes of a large attachment in JavaScript.
//
// Shape of the output (what a benchmark can rely on): CRLF line endings, no
// line over 998 octets (RFC 5322 2.1.1), a header block of 1-4 KB with
// Received chains, DKIM/ARC signatures and List-* headers; bodies mostly
// 2-50 KB, about 1 message in 500 of 2-5 MB; plain, HTML, alternative, related
// and mixed structures; attachments in base64 with an RFC 2183 size parameter.
// All names are on example.com/.org/.net; addresses are documentation ranges.

export type GeneratedMessage = { name: string; bytes: Uint8Array };

/** Header block bounds, blank line included. */
export const HEADER_MIN = 1024;
export const HEADER_MAX = 4096;
/** About one message in this many is a large one (2-5 MB). */
export const LARGE_ONE_IN = 500;

type Rand = () => number;

// mulberry32: small, fast, good enough for test data; never Math.random.
function mulberry32(state: number): Rand {
  let a = state | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// murmur3 finaliser, so neighbouring (seed, index) pairs get unrelated streams.
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function streamFor(seed: number, index: number): Rand {
  if (!Number.isInteger(seed) || !Number.isInteger(index) || index < 0) {
    throw new RangeError('GENERATE_BAD_ARGUMENT: seed must be an integer and index a non-negative integer');
  }
  return mulberry32(fmix((seed >>> 0) ^ fmix(index + 0x9e3779b9)));
}

const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const latin1 = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const utf8 = new TextEncoder();

// ---------------------------------------------------------------- vocabulary

const WORDS = (
  'the of and to in is that for it as with was on be by at this from or have an are not which but all were when we ' +
  'there can more if will one about up out has what so their been other into time only new some could these two may ' +
  'first then do any like my now over such our man me even most made after also did many before must through back ' +
  'years where much your way well down should because each just those people how too little state good very make ' +
  'world still own see men work long get here between both life being under never day same another know while last ' +
  'might us great old year off come since against go came right used take three meeting project report budget team ' +
  'release server backup invoice schedule update review draft contract customer delivery account migration quarter ' +
  'agenda office holiday network storage mailbox password training workshop feedback summary planning timeline'
).split(' ');
const WORDS_UTF8 = (
  'über Straße Qualität größer Grüße Mädchen Käse café naïve résumé déjà façade élève Noël año mañana señor niño ' +
  'información reunión São Paulo coração ação Zürich København smörgåsbord fjärd Łódź źródło dziękuję Ärger Öl ' +
  'встреча отчёт проект Ελλάδα έργο ενημέρωση'
).split(' ');
const FIRST = 'Anna Ben Carla David Elif Farid Grace Hugo Ines Jonas Kofi Lena Marco Nadia Omar Paula Quentin Rosa Sven Tara Umar Vera Wen Yusuf Zoe'.split(' ');
const LAST = 'Adams Berg Costa Dubois Eriksen Fischer Garcia Horvat Ivanova Jensen Kowalski Lopez Meyer Nakamura Okafor Petrov Quinn Rossi Schmidt Tanaka Uddin Varga Weber Yilmaz Zhou'.split(' ');
const DOMAINS = [
  'example.com', 'example.org', 'example.net', 'mail.example.com', 'corp.example.net', 'shop.example.com',
  'news.example.org', 'lists.example.net', 'uni.example.org', 'agency.example.com',
];
const ZONES = ['+0000', '+0100', '+0200', '-0500', '-0800', '+0530', '+0900', '-0300', '+1000'];
const NON_ASCII_SUBJECTS = [
  'Einladung zur Besprechung über Qualität',
  'Réunion d’équipe — ordre du jour',
  'Встреча в четверг: отчёт за квартал',
  '会議の議事録と次回の予定',
  'Ενημέρωση έργου για τον Δεκέμβριο',
  'Información de la reunión de mañana',
  'Grüße aus Zürich 🎉',
];
const ATTACHMENT_TYPES: readonly [string, string][] = [
  ['application/pdf', 'pdf'],
  ['image/jpeg', 'jpg'],
  ['image/png', 'png'],
  ['application/zip', 'zip'],
  ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'docx'],
  ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx'],
  ['application/octet-stream', 'bin'],
];
const LARGE_TYPES: readonly [string, string][] = [
  ['video/mp4', 'mp4'],
  ['application/zip', 'zip'],
  ['image/tiff', 'tif'],
  ['application/pdf', 'pdf'],
];

// ------------------------------------------------------------------ the pools

/** A block of CRLF-terminated lines and where each line starts. */
type Pool = { bytes: Uint8Array; starts: Uint32Array };

function poolOf(lines: string[], encode: (s: string) => Uint8Array): Pool {
  const parts = lines.map((l) => encode(l + '\r\n'));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const bytes = new Uint8Array(total);
  const starts = new Uint32Array(parts.length + 1);
  let at = 0;
  parts.forEach((p, i) => {
    starts[i] = at;
    bytes.set(p, at);
    at += p.length;
  });
  starts[parts.length] = at;
  return { bytes, starts };
}

/** Prose wrapped at 72 octets: no "=" and no trailing space, so it is also valid quoted-printable. */
function proseLines(r: Rand, words: readonly string[], count: number, maxBytes: number): string[] {
  const lines: string[] = [];
  let inParagraph = 0;
  while (lines.length < count) {
    if (inParagraph > int(r, 3, 9)) {
      lines.push('');
      inParagraph = 0;
      continue;
    }
    let line = pick(r, words);
    line = line[0]!.toUpperCase() + line.slice(1);
    for (;;) {
      const w = pick(r, words);
      const next = line + ' ' + w + (r() < 0.08 ? ',' : '');
      if (utf8.encode(next).length > maxBytes) break;
      line = next;
    }
    lines.push(r() < 0.3 ? line.replace(/,$/, '') + '.' : line);
    inParagraph++;
  }
  return lines;
}

function htmlLines(r: Rand, count: number): string[] {
  const lines: string[] = [];
  while (lines.length < count) {
    const k = r();
    const words = proseLines(r, WORDS, int(r, 2, 6), 70).filter(Boolean).join(' ');
    if (k < 0.55) {
      lines.push(`<p style="margin:0 0 12px 0;font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:20px;color:#333333">${words}</p>`);
    } else if (k < 0.7) {
      const slug = pick(r, WORDS) + '-' + int(r, 100, 99999);
      lines.push(`<p style="margin:0 0 12px 0"><a href="https://www.${pick(r, DOMAINS)}/articles/${slug}?utm_source=newsletter&amp;utm_medium=email" target="_blank" style="color:#1a73e8;text-decoration:underline">${words.slice(0, 60)}</a></p>`);
    } else if (k < 0.8) {
      lines.push(`<h2 style="margin:18px 0 8px 0;font-family:Georgia,serif;font-size:20px;color:#111111">${words.slice(0, 50)}</h2>`);
    } else if (k < 0.9) {
      lines.push(`<tr><td style="padding:6px 10px;border-bottom:1px solid #eeeeee">${words.slice(0, 40)}</td><td align="right" style="padding:6px 10px">${int(r, 1, 999)}.${int(r, 10, 99)}</td></tr>`);
    } else {
      lines.push(`<img src="https://img.${pick(r, DOMAINS)}/c/${int(r, 1e5, 1e6)}.jpg" width="${int(r, 100, 600)}" height="${int(r, 60, 300)}" alt="" style="display:block;border:0">`);
    }
  }
  return lines;
}

/** Quoted-printable of one ASCII line, soft-broken at 76 (RFC 2045 6.7). */
function qpLines(line: string): string[] {
  const encoded = line.replace(/=/g, '=3D');
  const out: string[] = [];
  let rest = encoded;
  while (rest.length > 76) {
    let cut = 75;
    // never split an "=XX" escape
    if (rest[cut - 1] === '=') cut -= 1;
    else if (rest[cut - 2] === '=') cut -= 2;
    out.push(rest.slice(0, cut) + '=');
    rest = rest.slice(cut);
  }
  out.push(rest);
  return out;
}

type Pools = { text: Pool; textUtf8: Pool; html: Pool; htmlQp: Pool; b64: Pool; b64Chars: string };
let pools: Pools | undefined;

function getPools(): Pools {
  if (pools) return pools;
  const r = mulberry32(0x5eed);
  const text = poolOf(proseLines(r, WORDS, 6000, 72), latin1);
  const textUtf8 = poolOf(proseLines(r, [...WORDS, ...WORDS_UTF8, ...WORDS_UTF8], 3000, 72), (s) => utf8.encode(s));
  const html = htmlLines(r, 3000);
  const htmlPool = poolOf(html, latin1);
  // Each source line becomes whole QP lines, so any cut at a pool line stays valid QP.
  const htmlQp = poolOf(html.flatMap(qpLines), latin1);
  // 6 MiB of noise, base64 in 76-character lines: every line decodes alone to
  // 57 bytes, so any run of lines, wrapping around, is valid base64.
  const raw = new Uint32Array((6 * 1024 * 1024) / 4);
  let x = 0x2545f491;
  for (let i = 0; i < raw.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    raw[i] = x >>> 0;
  }
  const b64Chars = Buffer.from(raw.buffer).toString('base64');
  const lineCount = Math.floor(b64Chars.length / 76);
  const b64 = { bytes: new Uint8Array(lineCount * 78), starts: new Uint32Array(lineCount + 1) };
  const ascii = Buffer.from(b64Chars, 'latin1');
  for (let i = 0; i < lineCount; i++) {
    b64.starts[i] = i * 78;
    b64.bytes.set(ascii.subarray(i * 76, i * 76 + 76), i * 78);
    b64.bytes[i * 78 + 76] = 13;
    b64.bytes[i * 78 + 77] = 10;
  }
  b64.starts[lineCount] = lineCount * 78;
  pools = { text, textUtf8, html: htmlPool, htmlQp, b64, b64Chars: b64Chars.slice(0, 1 << 16) };
  return pools;
}

/** Whole lines from a random line of the pool until at least `size` bytes, wrapping around. */
function cut(r: Rand, pool: Pool, size: number): Uint8Array[] {
  const lines = pool.starts.length - 1;
  let line = Math.floor(r() * lines);
  const out: Uint8Array[] = [];
  let left = size;
  while (left > 0) {
    const from = pool.starts[line]!;
    const want = from + left;
    let to: number;
    if (want >= pool.bytes.length) {
      to = pool.bytes.length;
    } else {
      // first line start at or after `want`
      let lo = line + 1;
      let hi = lines;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (pool.starts[mid]! < want) lo = mid + 1;
        else hi = mid;
      }
      to = pool.starts[lo]!;
    }
    out.push(pool.bytes.subarray(from, to));
    left -= to - from;
    line = 0;
  }
  return out;
}

/** Base64 lines for an attachment of exactly `lines * 57` decoded bytes. */
function cutBase64(r: Rand, lines: number): Uint8Array[] {
  const { b64 } = getPools();
  const poolLines = b64.starts.length - 1;
  let line = Math.floor(r() * poolLines);
  const out: Uint8Array[] = [];
  let left = lines;
  while (left > 0) {
    const n = Math.min(left, poolLines - line);
    out.push(b64.bytes.subarray(line * 78, (line + n) * 78));
    left -= n;
    line = 0;
  }
  return out;
}

/** Random base64 text for signatures, cut from the pool (no per-character PRNG). */
function sig(r: Rand, length: number): string {
  const chars = getPools().b64Chars;
  const at = Math.floor(r() * (chars.length - length));
  return chars.slice(at, at + length);
}

const fold = (value: string, width = 74) => (value.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join('\r\n\t');

// --------------------------------------------------------------- the builder

/** Collects strings and byte views; strings are ASCII (or encoded before). */
class Parts {
  private chunks: Uint8Array[] = [];
  private pending = '';
  size = 0;
  str(s: string): this {
    this.pending += s;
    return this;
  }
  bytes(list: Uint8Array[]): this {
    this.flush();
    for (const b of list) {
      this.chunks.push(b);
      this.size += b.length;
    }
    return this;
  }
  private flush(): void {
    if (!this.pending) return;
    const b = latin1(this.pending);
    this.chunks.push(b);
    this.size += b.length;
    this.pending = '';
  }
  concat(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

// ------------------------------------------------------------------- headers

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

function rfcDate(ms: number, zone: string): string {
  const sign = zone[0] === '-' ? -1 : 1;
  const offset = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3))) * 60000;
  const d = new Date(ms + offset);
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${zone}`;
}

type Person = { name: string; address: string };
function person(r: Rand, domain = pick(r, DOMAINS)): Person {
  const first = pick(r, FIRST);
  const last = pick(r, LAST);
  return { name: `${first} ${last}`, address: `${first}.${last}`.toLowerCase() + `@${domain}` };
}
const show = (p: Person) => `${p.name} <${p.address}>`;

/** RFC 2047 encoded words of whole characters, each at most 75 characters long. */
function encodedSubject(r: Rand, text: string): string {
  const b = r() < 0.5;
  const encode = (chunk: string) => {
    if (b) return `=?UTF-8?B?${Buffer.from(chunk).toString('base64')}?=`;
    let q = '';
    for (const byte of utf8.encode(chunk)) {
      const c = String.fromCharCode(byte);
      q += /[A-Za-z0-9]/.test(c) ? c : byte === 32 ? '_' : '=' + byte.toString(16).toUpperCase().padStart(2, '0');
    }
    return `=?UTF-8?Q?${q}?=`;
  };
  const words: string[] = [];
  let current = '';
  for (const ch of text) {
    if (current && encode(current + ch).length > 75) {
      words.push(encode(current));
      current = '';
    }
    current += ch;
  }
  words.push(encode(current));
  return words.join('\r\n ');
}

function received(r: Rand, ms: number, to: string): string {
  const host = `mail-${pick(r, ['ej1', 'wr1', 'pf1', 'qt1', 'lf1'])}-f${int(r, 10, 99)}.${pick(r, DOMAINS)}`;
  const ip = `${pick(r, ['192.0.2', '198.51.100', '203.0.113'])}.${int(r, 1, 254)}`;
  const by = `${pick(r, ['mx', 'mx1', 'mx2', 'smtp-in', 'relay'])}.${pick(r, DOMAINS)}`;
  const via = r() < 0.3 ? `\r\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\r\n\t key-exchange X25519 server-signature RSA-PSS (2048 bits))` : '';
  return `Received: from ${host} (${host} [${ip}])${via}\r\n\tby ${by} (Postfix) with ESMTPS id ${sig(r, 14).replace(/[+/]/g, 'x')}\r\n\tfor <${to}>; ${rfcDate(ms, pick(r, ZONES))}`;
}

function dkim(r: Rand, domain: string, ms: number): string {
  const t = Math.floor(ms / 1000);
  return `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${domain};\r\n\ts=${pick(r, ['s1', 'selector1', '20230601', 'google'])}; t=${t}; x=${t + 604800};\r\n\th=from:to:subject:date:message-id:mime-version:content-type:list-unsubscribe;\r\n\tbh=${sig(r, 43)}=;\r\n\tb=${fold(sig(r, 342), 70)}==`;
}

function arc(r: Rand, domain: string, ms: number, from: string): string {
  const t = Math.floor(ms / 1000);
  const authServ = `mx.${pick(r, DOMAINS)}`;
  const results = `${authServ};\r\n\tdkim=pass header.i=@${domain} header.s=s1 header.b=${sig(r, 8)};\r\n\tspf=pass (${authServ}: domain of ${from} designates 198.51.100.${int(r, 1, 254)} as permitted sender) smtp.mailfrom=${from};\r\n\tdmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=${domain}`;
  return [
    `ARC-Seal: i=1; a=rsa-sha256; t=${t}; cv=none;\r\n\td=${authServ}; s=arc-20240605;\r\n\tb=${fold(sig(r, 342), 70)}==`,
    `ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=${authServ}; s=arc-20240605;\r\n\th=to:subject:message-id:date:from:mime-version:dkim-signature;\r\n\tbh=${sig(r, 43)}=;\r\n\tb=${fold(sig(r, 342), 70)}==`,
    `ARC-Authentication-Results: i=1; ${results}`,
    `Authentication-Results: ${results}`,
  ].join('\r\n');
}

function listHeaders(r: Rand, list: string): string {
  const [name, domain] = list.split('@') as [string, string];
  return [
    `List-Id: ${name[0]!.toUpperCase() + name.slice(1)} <${name}.${domain}>`,
    `List-Unsubscribe: <https://${domain}/unsubscribe/${sig(r, 24).replace(/[+/]/g, 'x')}>,\r\n <mailto:${name}-unsubscribe@${domain}>`,
    'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    `List-Archive: <https://${domain}/archive/${name}/>`,
    `List-Post: <mailto:${list}>`,
    `List-Help: <mailto:${name}-request@${domain}?subject=help>`,
    'Precedence: list',
  ].join('\r\n');
}

// --------------------------------------------------------------------- bodies

type Kind = 'plain' | 'html' | 'alternative' | 'related' | 'mixed';

function boundary(r: Rand, tag: string): string {
  return `----=_${tag}_${sig(r, 16).replace(/[+/]/g, '0')}`;
}

function textPart(r: Rand, parts: Parts, size: number): void {
  const k = r();
  if (k < 0.6) {
    parts.str('Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n');
    parts.bytes(cut(r, getPools().text, size));
  } else if (k < 0.8) {
    // ASCII prose has no "=" and no trailing space, so it is already quoted-printable
    parts.str('Content-Type: text/plain; charset=UTF-8; format=flowed\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n');
    parts.bytes(cut(r, getPools().text, size));
  } else {
    parts.str('Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n');
    parts.bytes(cut(r, getPools().textUtf8, size));
  }
}

const HTML_HEAD =
  '<!DOCTYPE html>\r\n<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n' +
  '<meta name="viewport" content="width=device-width, initial-scale=1">\r\n<style type="text/css">\r\n' +
  'body{margin:0;padding:0;background:#f5f5f5} table{border-collapse:collapse} a{color:#1a73e8}\r\n' +
  '@media only screen and (max-width:600px){.container{width:100% !important}}\r\n</style></head>\r\n' +
  '<body><table class="container" width="600" align="center" cellpadding="0" cellspacing="0" style="background:#ffffff"><tr><td style="padding:20px">\r\n';
const HTML_TAIL = '</td></tr></table></body></html>\r\n';
const HTML_HEAD_QP = HTML_HEAD.split('\r\n').slice(0, -1).flatMap(qpLines).join('\r\n') + '\r\n';

function htmlPart(r: Rand, parts: Parts, size: number, inlineCid?: string): void {
  const pools = getPools();
  const cid = inlineCid ? `<img src="cid:${inlineCid}" width="120" height="40" alt="logo">\r\n` : '';
  const k = r();
  if (k < 0.5) {
    parts.str('Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n');
    parts.str(HTML_HEAD_QP + (cid ? qpLines(cid.slice(0, -2)).join('\r\n') + '\r\n' : ''));
    parts.bytes(cut(r, pools.htmlQp, size));
    parts.str(HTML_TAIL);
  } else if (k < 0.8) {
    parts.str('Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n');
    parts.str(HTML_HEAD + cid);
    parts.bytes(cut(r, pools.html, size));
    parts.str(HTML_TAIL);
  } else {
    parts.str('Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n');
    const src = new Parts().str(HTML_HEAD + cid).bytes(cut(r, pools.html, Math.floor(size * 0.74))).str(HTML_TAIL).concat();
    parts.bytes([wrapBase64(src)]);
  }
}

function wrapBase64(bytes: Uint8Array): Uint8Array {
  const s = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  const ascii = Buffer.from(s, 'latin1');
  const lines = Math.ceil(ascii.length / 76);
  const out = new Uint8Array(ascii.length + lines * 2);
  for (let i = 0, at = 0; i < lines; i++) {
    const line = ascii.subarray(i * 76, i * 76 + 76);
    out.set(line, at);
    at += line.length;
    out[at++] = 13;
    out[at++] = 10;
  }
  return out;
}

function attachmentPart(r: Rand, parts: Parts, size: number, types: readonly [string, string][], ms: number): void {
  const [type, ext] = pick(r, types);
  const lines = Math.max(1, Math.floor(size / 78));
  const base = `${pick(r, WORDS)}-${pick(r, WORDS)}-${int(r, 1, 9999)}`;
  const when = rfcDate(ms, '+0000');
  const unicode = r() < 0.15;
  const name = unicode ? `${pick(r, WORDS_UTF8)} ${base}.${ext}` : `${base}.${ext}`;
  const enc = unicode ? `*=UTF-8''${encodeURIComponent(name)}` : `="${name}"`;
  parts.str(
    `Content-Type: ${type}; name${enc}\r\nContent-Transfer-Encoding: base64\r\n` +
      `Content-Disposition: attachment; filename${enc};\r\n\tsize=${lines * 57}; creation-date="${when}"\r\n\r\n`,
  );
  parts.bytes(cutBase64(r, lines));
}

function body(r: Rand, parts: Parts, kind: Kind, size: number, ms: number, large: boolean): void {
  if (kind === 'plain') return textPart(r, parts, size);
  if (kind === 'html') return htmlPart(r, parts, size);
  const alt = (share: number) => {
    const b = boundary(r, 'Alt');
    parts.str(`Content-Type: multipart/alternative; boundary="${b}"\r\n\r\n--${b}\r\n`);
    textPart(r, parts, Math.floor(size * share * 0.4));
    parts.str(`\r\n--${b}\r\n`);
    htmlPart(r, parts, Math.floor(size * share * 0.6));
    parts.str(`\r\n--${b}--\r\n`);
  };
  if (kind === 'alternative') return alt(1);
  if (kind === 'related') {
    const b = boundary(r, 'Rel');
    const cid = `logo.${int(r, 1e6, 9e6)}@${pick(r, DOMAINS)}`;
    parts.str(`Content-Type: multipart/related; type="text/html"; boundary="${b}"\r\n\r\n--${b}\r\n`);
    htmlPart(r, parts, Math.floor(size * 0.7), cid);
    parts.str(`\r\n--${b}\r\nContent-Type: image/png; name="logo.png"\r\nContent-Transfer-Encoding: base64\r\nContent-ID: <${cid}>\r\nContent-Disposition: inline; filename="logo.png"\r\n\r\n`);
    parts.bytes(cutBase64(r, Math.max(1, Math.floor((size * 0.3) / 78))));
    parts.str(`--${b}--\r\n`);
    return;
  }
  // mixed: a body and one to three attachments, or one very large one
  const b = boundary(r, 'Mixed');
  parts.str(`Content-Type: multipart/mixed; boundary="${b}"\r\n\r\nThis is a multi-part message in MIME format.\r\n\r\n--${b}\r\n`);
  const bodyShare = large ? 0 : 0.2 + r() * 0.4;
  if (large || r() < 0.5) textPart(r, parts, large ? int(r, 800, 4000) : Math.floor(size * bodyShare));
  else alt(bodyShare);
  const count = large ? 1 : int(r, 1, 3);
  for (let i = 0; i < count; i++) {
    parts.str(`\r\n--${b}\r\n`);
    attachmentPart(r, parts, Math.floor((size * (1 - bodyShare)) / count), large ? LARGE_TYPES : ATTACHMENT_TYPES, ms);
  }
  parts.str(`--${b}--\r\n`);
}

// ------------------------------------------------------------------ messages

const EPOCH = Date.UTC(2024, 0, 1);
/** Mean gap between two messages: 10,000 messages span about 14 months. */
const GAP_MS = 43 * 60 * 1000;

/** The header block, ending with `content` (the Content-* lines) and the blank line. */
function headers(r: Rand, index: number, seed: number, ms: number, content: Uint8Array): Uint8Array {
  const to = person(r, pick(r, ['example.com', 'example.org', 'example.net']));
  const isList = r() < 0.4;
  const domain = pick(r, DOMAINS);
  const from = isList ? { name: `${pick(r, WORDS)} news`, address: `newsletter@${domain}` } : person(r, domain);
  const reply = !isList && r() < 0.3;
  const hops = int(r, 2, 6);
  const lines: string[] = [];
  lines.push(`Return-Path: <${isList ? `bounce-${int(r, 1e5, 1e6)}@${domain}` : from.address}>`);
  lines.push(`Delivered-To: ${to.address}`);
  for (let i = 0; i < hops; i++) lines.push(received(r, ms + (hops - i) * int(r, 200, 4000), to.address));
  const auth = r() < 0.5 ? arc(r, domain, ms, from.address) : '';
  if (auth) lines.push(auth);
  if (r() < 0.9) lines.push(dkim(r, domain, ms));
  if (isList && r() < 0.5) lines.push(dkim(r, pick(r, ['esp.example.net', 'mailer.example.com']), ms));
  if (r() < 0.6) lines.push(`X-Spam-Status: No, score=${(r() * 4 - 1).toFixed(1)} required=5.0 tests=BAYES_00,DKIM_SIGNED,\r\n\tDKIM_VALID,SPF_PASS autolearn=ham version=4.0.0`);
  lines.push(`From: ${show(from)}`);
  lines.push(`To: ${show(to)}`);
  if (!isList && r() < 0.25) lines.push(`Cc: ${show(person(r))}, ${show(person(r))}`);
  const base = proseLines(r, WORDS, 1, int(r, 20, 70))[0]!;
  let subject = r() < 0.15 ? encodedSubject(r, `${pick(r, NON_ASCII_SUBJECTS)} ${int(r, 1, 999)}`) : base;
  if (reply) subject = `Re: ${subject}`;
  if (isList) subject = `[${from.name.split(' ')[0]}] ${subject}`;
  lines.push(`Subject: ${subject}`);
  lines.push(`Date: ${rfcDate(ms, pick(r, ZONES))}`);
  lines.push(`Message-ID: <${(fmix(seed) >>> 0).toString(16)}.${index}.${sig(r, 12).replace(/[+/]/g, 'q')}@${domain}>`);
  if (reply) {
    const ref = `<${sig(r, 20).replace(/[+/]/g, 'z')}@${pick(r, DOMAINS)}>`;
    lines.push(`In-Reply-To: ${ref}`, `References: <${sig(r, 20).replace(/[+/]/g, 'z')}@${pick(r, DOMAINS)}>\r\n ${ref}`);
  }
  if (isList) lines.push(listHeaders(r, `${from.name.split(' ')[0]}@lists.${domain}`), `Feedback-ID: ${int(r, 1, 99)}:${int(r, 1e3, 1e4)}:newsletter:esp`);
  lines.push(pick(r, ['X-Mailer: Microsoft Outlook 16.0', 'User-Agent: Mozilla/5.0 Thunderbird/128.4.0', 'X-Mailer: Apple Mail (2.3776.700.51)', 'X-Mailer: PHPMailer 6.9.1']));
  lines.push('MIME-Version: 1.0');
  // Keep the header block within 1-4 KB: add hops when short; when long, drop
  // what real mail often lacks, in this order (always keeping one hop).
  const margin = 64;
  let size = lines.reduce((n, l) => n + l.length + 2, 0) + content.length + 2;
  while (size < HEADER_MIN + margin) {
    const hop = received(r, ms, to.address);
    lines.splice(2, 0, hop);
    size += hop.length + 2;
  }
  const droppable = [/^Received:/, /^X-Spam-Status:/, /^DKIM-Signature:/, /^ARC-Seal:/];
  for (const re of droppable) {
    for (let i = lines.length - 1; i >= 0 && size > HEADER_MAX - margin; i--) {
      if (!re.test(lines[i]!) || (re === droppable[0] && lines.filter((l) => re.test(l)).length === 1)) continue;
      size -= lines[i]!.length + 2;
      lines.splice(i, 1);
    }
  }
  return new Parts().str(lines.join('\r\n') + '\r\n').bytes([content]).str('\r\n').concat();
}

function kindOf(r: Rand): Kind {
  const k = r();
  return k < 0.3 ? 'plain' : k < 0.65 ? 'alternative' : k < 0.75 ? 'html' : k < 0.95 ? 'mixed' : 'related';
}

/** One message, a pure function of (seed, index). */
export function generateMessage(seed: number, index: number): Uint8Array {
  const r = streamFor(seed, index);
  const ms = EPOCH + (Math.abs(seed | 0) % 97) * 86400000 + index * GAP_MS + Math.floor(r() * GAP_MS);
  const large = r() < 1 / LARGE_ONE_IN;
  const kind = large ? 'mixed' : kindOf(r);
  // log-uniform 2-50 KB: many small messages, a long tail
  const size = large ? int(r, 2 * 1024 * 1024, 5 * 1024 * 1024) : Math.floor(2048 * Math.pow(25, r()));
  const bodyParts = new Parts();
  body(r, bodyParts, kind, size, ms, large);
  const b = bodyParts.concat();
  // the body starts with its own Content-Type/Transfer-Encoding lines; move them into the header block
  const split = indexOfBlank(b);
  const head = headers(r, index, seed, ms, b.subarray(0, split));
  return new Parts().bytes([head, b.subarray(split + 2)]).concat();
}

function indexOfBlank(b: Uint8Array): number {
  for (let i = 0; i + 3 < b.length; i++) {
    if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i + 2;
  }
  throw new Error('GENERATE_INTERNAL: body without a header/body separator');
}

/** `count` messages named 000001.eml, 000002.eml, ... generated lazily. */
export function* generateMailbox({ count, seed }: { count: number; seed: number }): Iterable<GeneratedMessage> {
  if (!Number.isInteger(count) || count < 0) throw new RangeError('GENERATE_BAD_ARGUMENT: count must be a non-negative integer');
  for (let i = 0; i < count; i++) {
    yield { name: `${String(i + 1).padStart(6, '0')}.eml`, bytes: generateMessage(seed, i) };
  }
}

/** Smallest size generateLargeMessage accepts: headers, a short text and one base64 line. */
export const LARGE_MESSAGE_MIN = 8 * 1024;

/**
 * A message of exactly `sizeBytes` octets: realistic headers, a short text part
 * and one base64 attachment filling the rest (for 20 MB RETR benchmarks).
 */
export function generateLargeMessage(sizeBytes: number, seed: number): Uint8Array {
  if (!Number.isInteger(sizeBytes) || sizeBytes < LARGE_MESSAGE_MIN) {
    throw new RangeError(`GENERATE_BAD_ARGUMENT: sizeBytes must be an integer of at least ${LARGE_MESSAGE_MIN}`);
  }
  const r = streamFor(seed, 0x7fffffff);
  const ms = EPOCH + (Math.abs(seed | 0) % 97) * 86400000;
  const b = boundary(r, 'Large');
  const [type, ext] = pick(r, LARGE_TYPES);
  const textBody = new Parts().bytes(cut(r, getPools().text, 1500)).concat();
  const content = latin1(`Content-Type: multipart/mixed; boundary="${b}"\r\n`);
  const headBytes = new Parts()
    .bytes([headers(r, 0, seed, ms, content)])
    .str(`--${b}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n`)
    .concat();
  const partHead = `\r\n--${b}\r\nContent-Type: ${type}; name="archive.${ext}"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="archive.${ext}"\r\n\r\n`;
  const closing = `--${b}--\r\n`;
  const fixed = headBytes.length + textBody.length + partHead.length + closing.length;
  let rest = sizeBytes - fixed;
  const lines = Math.floor(rest / 78);
  rest -= lines * 78;
  // The remainder becomes one short base64 line (a multiple of 4 characters) and
  // the 0-3 octets left over pad the text part, so the total is exact.
  const tail = rest >= 6 ? Math.floor((rest - 2) / 4) * 4 : 0;
  const pad = rest - (tail ? tail + 2 : 0);
  const parts = new Parts().bytes([headBytes, textBody]);
  if (pad === 1) parts.str('x');
  else if (pad > 1) parts.str('x'.repeat(pad - 2) + '\r\n');
  parts.str(partHead).bytes(cutBase64(r, lines));
  if (tail) parts.str(getPools().b64Chars.slice(0, tail) + '\r\n');
  parts.str(closing);
  const out = parts.concat();
  if (out.length !== sizeBytes) throw new Error(`GENERATE_INTERNAL: built ${out.length} octets, wanted ${sizeBytes}`);
  return out;
}
