/**
 * Turns what a person typed into a search box into an FTS5 query that cannot be malformed.
 *
 * Every whitespace-separated word becomes one quoted phrase with a prefix star, and the phrases
 * are ANDed: `dan smi` → `"dan"* "smi"*`. Inside a word, anything that is not a letter, digit or
 * mark is a token break (as for the unicode61 tokenizer), so `dan@ex` → `"dan ex"*`, which finds
 * `dan@example.com`. Because a phrase then holds only letters, digits, marks and spaces, no input
 * (quotes, parentheses, AND/OR/NEAR, column filters, stars) can change the query's syntax.
 */
const MAX_WORDS = 16;
const MAX_LENGTH = 256;

export function toFtsQuery(text: string): string | null {
  const words = text
    .normalize('NFKC')
    .slice(0, MAX_LENGTH)
    .split(/\s+/u)
    .map((word) =>
      word
        .replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ')
        .trim()
        .replace(/ +/g, ' '),
    )
    .filter((word) => word.length > 0)
    .slice(0, MAX_WORDS);
  if (words.length === 0) return null;
  return words.map((word) => `"${word}"*`).join(' ');
}
