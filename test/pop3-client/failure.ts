import { expect } from 'vitest';
import { Pop3Error } from '../../shared/pop3/index.ts';

/** The Pop3Error a promise rejects with; fails the test if it resolves or rejects with anything else. */
export async function failure(promise: Promise<unknown>): Promise<Pop3Error> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(Pop3Error);
    return error as Pop3Error;
  }
  throw new Error('expected a Pop3Error, but it succeeded');
}
