import { describe, expect, test } from 'vitest';
import { bareAddress, formatAddress, splitField } from '../../web/lib/compose/address.ts';
import { AddressBook, completions } from '../../web/lib/compose/completion.ts';

describe('address fields', () => {
  test('names that need it are quoted; a name equal to the address is dropped', () => {
    expect(formatAddress({ name: 'Jones, Carol', address: 'c@x.org' })).toBe('"Jones, Carol" <c@x.org>');
    expect(formatAddress({ name: 'Say "hi"', address: 'h@x.org' })).toBe('"Say \\"hi\\"" <h@x.org>');
    expect(formatAddress({ name: 'Carol', address: 'c@x.org' })).toBe('Carol <c@x.org>');
    expect(formatAddress({ name: 'C@X.org', address: 'c@x.org' })).toBe('c@x.org');
  });

  test('a field splits at commas outside quotes and angle brackets', () => {
    expect(splitField('"Jones, Carol" <c@x.org>, d@x.org ,, <e,f@x.org>')).toEqual(['"Jones, Carol" <c@x.org>', 'd@x.org', '<e,f@x.org>']);
    expect(bareAddress('Carol <C@X.org>')).toBe('c@x.org');
  });
});

describe('completion from the mailbox', () => {
  const book = new AddressBook();
  book.learn([
    { name: 'Carol Jones', address: 'carol@example.org' },
    { name: '', address: 'dave@example.org' },
    { name: '', address: 'DAVE@example.org' },
    { name: 'Dave D', address: 'dave@example.org' },
    { name: 'not an address', address: 'nobody' },
    null,
  ]);
  const known = book.entries();

  test('one entry per address, most frequent first, with the name when any copy had one', () => {
    expect(known).toEqual([{ name: 'Dave D', address: 'dave@example.org' }, { name: 'Carol Jones', address: 'carol@example.org' }]);
  });

  test('the last entry completes by address, name or a word of the name', () => {
    expect(completions('car', known)).toEqual(['Carol Jones <carol@example.org>']);
    expect(completions('jon', known)).toEqual(['Carol Jones <carol@example.org>']);
    expect(completions('Da', known)).toEqual(['Dave D <dave@example.org>']);
    expect(completions('zz', known)).toEqual([]);
    expect(completions('', known)).toEqual([]);
  });

  test('several addresses: earlier entries stay, and addresses already there are not offered', () => {
    expect(completions('Dave D <dave@example.org>, c', known)).toEqual(['Dave D <dave@example.org>, Carol Jones <carol@example.org>']);
    expect(completions('dave@example.org, d', known)).toEqual([]);
    expect(completions('dave@example.org, ', known)).toEqual([]);
  });
});
