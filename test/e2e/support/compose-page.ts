import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/** What the compose tests look for on the page (opened later: `page()` gives it), found by role and accessible name. */
export function composePage(page: () => Page) {
  /** Polls with room for a busy machine (the default is 1 s). */
  const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });
  const grid = () => page().getByRole('grid', { name: 'Messages' });
  const button = (name: string) => page().getByRole('button', { name, exact: true });
  return {
    poll,
    grid,
    button,
    rowWith: (text: string) => grid().getByRole('row').filter({ hasText: text }),
    compose: () => page().getByRole('form', { name: 'Compose' }),
    /** Sends the open compose form and waits for the outcome line. */
    async sendAndWait(): Promise<void> {
      await button('Send').click();
      // The line of the previous send goes when this one is queued.
      await poll(() => page().getByRole('status').filter({ hasText: /Sending/ }).count()).toBe(1);
      await expect.poll(() => page().getByRole('status').filter({ hasText: 'Message sent.' }).count(), { timeout: 30_000 }).toBe(1);
    },
  };
}
