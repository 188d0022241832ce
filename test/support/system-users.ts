import { readFile } from 'node:fs/promises';

export interface SystemAccount {
  name: string;
  uid: number;
  gid: number;
}

/** Looks an account up in /etc/passwd; undefined when it does not exist. */
export async function findAccount(name: string): Promise<SystemAccount | undefined> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  for (const line of passwd.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields.length >= 4) {
      return { name, uid: Number(fields[2]), gid: Number(fields[3]) };
    }
  }
  return undefined;
}

/** Looks a group id up in /etc/group; undefined when it does not exist. */
export async function findGroupId(name: string): Promise<number | undefined> {
  const groups = await readFile('/etc/group', 'utf8');
  for (const line of groups.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields.length >= 3) return Number(fields[2]);
  }
  return undefined;
}
