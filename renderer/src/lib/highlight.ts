/**
 * Splits text into the parts that match a search and those that do not, for marking matches.
 * The whole typed text wins where it appears (`jack.taylor@` marks exactly that), then each of
 * its words (search splits on punctuation, so `dan smi` marks "Dan" and "Smi" wherever they are).
 */
export interface TextPart {
  text: string;
  match: boolean;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function highlightParts(text: string, query: string): TextPart[] {
  const whole = query.trim();
  if (!whole || !text) return [{ text, match: false }];
  const words = whole.split(/[^\p{L}\p{N}\p{M}]+/u).filter((w) => w.length > 0);
  const terms = [...new Set([whole, ...words])].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(terms.map(escape).join('|'), 'giu');
  const parts: TextPart[] = [];
  let at = 0;
  for (const found of text.matchAll(pattern)) {
    const start = found.index;
    if (found[0].length === 0) continue;
    if (start > at) parts.push({ text: text.slice(at, start), match: false });
    parts.push({ text: found[0], match: true });
    at = start + found[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), match: false });
  return parts;
}

/**
 * An email address cut where a line may break: after `@`, before `.`, `_`, `-` and `+`
 * (`jack.taylor@example.co.uk` → `jack`, `.taylor@`, `example`, `.co`, `.uk`).
 */
export function emailPieces(text: string): string[] {
  return text.split(/(?<=@)|(?=[._+-])/u).filter((piece) => piece !== '');
}
