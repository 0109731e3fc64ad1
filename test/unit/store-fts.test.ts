/**
 * What a person types becomes a safe FTS5 prefix query; amounts become cents without floats.
 */
import { describe, expect, it } from 'vitest';
import { toFtsQuery } from '../../electron/core/store/index.ts';

describe('toFtsQuery', () => {
  it('makes every word a quoted prefix phrase', () => {
    expect(toFtsQuery('dan')).toBe('"dan"*');
    expect(toFtsQuery('  dan   smi ')).toBe('"dan"* "smi"*');
  });

  it('splits words on punctuation like the tokenizer, inside one phrase', () => {
    expect(toFtsQuery('dan@example.co')).toBe('"dan example co"*');
    expect(toFtsQuery('INV-2024-001')).toBe('"INV 2024 001"*');
  });

  it('leaves no FTS5 syntax in the query', () => {
    for (const text of [
      '"',
      'a"b',
      'AND (',
      'x OR y',
      'col:dan',
      '^dan',
      'dan*',
      'NEAR(a b, 2)',
      '{a}',
      "'--",
    ]) {
      const query = toFtsQuery(text);
      if (query === null) continue;
      // Only quoted phrases of letters, digits and spaces, each followed by a star.
      expect(query, text).toMatch(/^("[\p{L}\p{N}\p{M} ]+"\*)( "[\p{L}\p{N}\p{M} ]+"\*)*$/u);
    }
  });

  it('returns null when nothing searchable is left', () => {
    expect(toFtsQuery('')).toBeNull();
    expect(toFtsQuery('  " ( ) * ')).toBeNull();
  });

  it('keeps letters from any script', () => {
    expect(toFtsQuery('Zoë Müller')).toBe('"Zoë"* "Müller"*');
    expect(toFtsQuery('渡辺')).toBe('"渡辺"*');
  });

  it('caps the number of words', () => {
    const query = toFtsQuery(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '));
    expect(query?.split(' ')).toHaveLength(16);
  });
});
