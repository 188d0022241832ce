import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readGreeting } from '../support/greeting.ts';
import { startPostfix } from '../support/postfix.ts';

/** Live (non-zombie) processes whose process group is pgid. */
function groupMembers(pgid: number): string[] {
  return execFileSync('ps', ['-e', '-o', 'pgid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => Number(line.trim().split(/\s+/)[0]) === pgid && !/^\s*\d+\s+Z/.test(line));
}

describe('the Postfix test fixture', () => {
  it('answers on both ports, then stops every Postfix process and removes its folder', async () => {
    const postfix = await startPostfix({ users: [{ username: 'alice@example.test', password: 'pw' }] });
    const { masterPid, dir } = postfix;
    try {
      expect(await readGreeting({ host: postfix.host, port: postfix.submissionPort })).toMatch(/^220 mail\.example\.test ESMTP/);
      expect(await readGreeting({ host: postfix.host, port: postfix.smtpsPort, caPem: postfix.caPem })).toMatch(/^220 /);
      expect(groupMembers(masterPid).some((line) => line.includes('qmgr'))).toBe(true);
      expect(postfix.dovecot.authSocket && existsSync(postfix.dovecot.authSocket)).toBe(true);
    } finally {
      await postfix.stop();
    }
    expect(groupMembers(masterPid)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(postfix.dovecot.dir)).toBe(false);
  });
});
