/**
 * Redaction of secrets from any text that may reach a person, a log or the renderer: the secret
 * itself in any letter case, and its base64 / base64url forms at every byte alignment (so a
 * server that echoes an `Authorization: Basic …` or a base64 blob holding the token gives
 * nothing away either). Secrets shorter than 8 characters are not redacted (tokens are longer;
 * matching short strings would blank out ordinary words).
 */

const MIN_SECRET_LENGTH = 8;

/** Every form of `secret` worth looking for in text. */
export function secretForms(secret: string): string[] {
  if (secret.length < MIN_SECRET_LENGTH) return [];
  const forms = new Set<string>([secret, encodeURIComponent(secret)]);
  const bytes = Buffer.from(secret, 'utf8');
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64').replace(/=+$/, '');
    // Leading characters that depend on the bytes before the secret, trailing ones on the bytes after.
    const start = [0, 2, 3][offset]!;
    const end = ((offset + bytes.length) * 8) % 6 === 0 ? encoded.length : encoded.length - 1;
    const stable = encoded.slice(start, end);
    if (stable.length >= MIN_SECRET_LENGTH) {
      forms.add(stable);
      forms.add(stable.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...forms];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A function that replaces every form of every secret (case-insensitive) with `label`. */
export function redactor(secrets: readonly string[], label = '[redacted]'): (text: string) => string {
  const forms = secrets.flatMap(secretForms).sort((a, b) => b.length - a.length);
  if (forms.length === 0) return (text) => text;
  const pattern = new RegExp(forms.map(escapeRegExp).join('|'), 'gi');
  return (text) => text.replace(pattern, label);
}
