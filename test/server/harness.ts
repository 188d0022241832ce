import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, expect } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loadConfig, type Config, type ServerConfig } from '../../server/config.ts';
import { startPop3Server, type MessageInput, type Pop3Server, type Pop3ServerOptions, type Pop3User, type Variation } from '../../server/pop3-server/index.ts';
import { TestBrowser, type Summaries, type Tab } from './client.ts';
import { testMessage } from './mail.ts';

/**
 * The shared setup of the bridge tests: "a bridge with this mail and this
 * server variation". Popbridge's own POP3 server (server/pop3-server) with the
 * given users, mail and quirk (test/fixtures/quirks.ts), the real app in this
 * process on a free loopback port over a throwaway data dir, and signed-in
 * browser stand-ins (client.ts).
 */

export type Bridge = { app: FastifyInstance; config: Config; url: string; stop(): Promise<void> };

/** The real app, listening on a free loopback port, over a throwaway data dir. */
export async function startBridge(servers: Array<Partial<ServerConfig> & Pick<ServerConfig, 'host' | 'port'>>, overrides: Partial<Config> = {}): Promise<Bridge> {
  const dataDir = mkdtempSync(join(tmpdir(), 'popbridge-test-'));
  const base = loadConfig({ DATA_DIR: dataDir });
  const config: Config = {
    ...base,
    webRoot: join(dataDir, 'no-web'),
    servers: servers.map((s, i) => ({ id: `s${i}`, label: `Server ${i}`, security: 'plain', maxConnections: 4, ...s })),
    pop3Timeouts: { connectTimeoutMs: 5000, greetingTimeoutMs: 5000, commandTimeoutMs: 15000 },
    // Tests refresh right after signing in; the refresh limit has tests of its own.
    minRefreshIntervalSeconds: 0,
    ...overrides,
  };
  const app = await buildApp(config, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address() as { port: number };
  return {
    app, config, url: `http://127.0.0.1:${addr.port}`,
    async stop() { await app.close(); rmSync(dataDir, { recursive: true, force: true }); },
  };
}

export const ALICE: Pop3User = { username: 'alice', password: 'pw-alice' };

export interface MailSetup {
  /** Default: ALICE alone. */
  users?: readonly Pop3User[];
  /** Mail per username: the messages, or n for testMessage(1..n) with UIDs uid-1..uid-n. */
  mail?: Readonly<Record<string, readonly MessageInput[] | number>>;
  /** The server's quirk (test/fixtures/quirks.ts). */
  variation?: Variation;
  /** Any other option of the POP3 server (TLS, CAPA, APOP...). */
  pop3?: Omit<Pop3ServerOptions, 'users' | 'maildrops' | 'variation'>;
}

/** n distinct test messages, newest last, with UIDs uid-1..uid-n. */
export function testMessages(n: number, extra = ''): Array<{ bytes: string; uid: string }> {
  return Array.from({ length: n }, (_, i) => ({ bytes: testMessage(i + 1, extra), uid: `uid-${i + 1}` }));
}

/** Popbridge's own POP3 server with this mail and variation. */
export function startMailServer(setup: MailSetup = {}): Promise<Pop3Server> {
  const maildrops = Object.fromEntries(Object.entries(setup.mail ?? {}).map(([user, mail]) =>
    [user, { messages: typeof mail === 'number' ? testMessages(mail) : mail }]));
  return startPop3Server({
    ...setup.pop3, users: setup.users ?? [ALICE], maildrops, ...(setup.variation ? { variation: setup.variation } : {}),
  });
}

export interface SignedIn {
  browser: TestBrowser;
  tab: Tab;
  /** The tab's first sync. */
  listing: { keys: string[]; summaries: Summaries };
}

export interface MailBridge {
  pop: Pop3Server;
  bridge: Bridge;
  url: string;
  /** A new browser signed in as `user` (default: the first user), with one open tab. */
  open(user?: Pop3User): Promise<Omit<SignedIn, 'listing'>>;
  /** open(), and the tab's first sync. */
  signIn(user?: Pop3User): Promise<SignedIn>;
  /** Closes the tabs, the bridge and the POP3 server. */
  stop(): Promise<void>;
}

/** A bridge (server id s0) in front of Popbridge's POP3 server with this mail and variation. */
export async function startMailBridge(setup: MailSetup & { bridge?: Partial<Config>; server?: Partial<ServerConfig> } = {}): Promise<MailBridge> {
  const pop = await startMailServer(setup);
  let bridge: Bridge;
  try {
    bridge = await startBridge([{ host: pop.host, port: pop.port, ...setup.server }], setup.bridge);
  } catch (error) {
    await pop.close();
    throw error;
  }
  const tabs: Tab[] = [];
  const firstUser = (setup.users ?? [ALICE])[0]!;
  const open = async (user = firstUser): Promise<Omit<SignedIn, 'listing'>> => {
    const browser = new TestBrowser(bridge.url);
    const signedIn = await browser.signIn(bridge.config.servers[0]!.id, user.username, user.password);
    expect(signedIn.status, `sign-in of ${user.username}`).toBe(200);
    const tab = await browser.tab();
    tabs.push(tab);
    return { browser, tab };
  };
  return {
    pop, bridge, url: bridge.url, open,
    async signIn(user) {
      const opened = await open(user);
      return { ...opened, listing: await opened.tab.sync() };
    },
    async stop() {
      for (const tab of tabs) await tab.close();
      await bridge.stop();
      await pop.close();
    },
  };
}

/**
 * Stops what a test started when the test ends, newest first: call once at a
 * test file's top level, then wrap each start, e.g. `track(await startMailBridge())`.
 */
export function stopAfterEach(): <T extends { stop(): Promise<void> } | { close(): Promise<void> }>(started: T) => T {
  const started: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (started.length) await started.pop()!();
  });
  return (thing) => {
    started.push('stop' in thing ? () => thing.stop() : () => thing.close());
    return thing;
  };
}
