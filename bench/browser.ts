import type { Dovecot } from '../test/support/dovecot.ts';
import type { Row } from './table.ts';

export async function browserFigure(_o: { dovecot: Dovecot; user: { username: string; password: string }; caPem: string; runs: number; log: (s: string) => void }): Promise<Row | null> {
  throw new Error('not built yet');
}
