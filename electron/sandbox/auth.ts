/**
 * Sandbox credentials and the merchant-profile rule (billpro-api.md §1.2, §1.3): a Bearer token
 * per API user, deterministic from the seed; a user reaching several profiles must name one
 * with `profile_id`, a single-profile user defaults to its own.
 */
import { QUERY } from '../common/endpoints.ts';
import { httpError } from './http.ts';
import { TOKEN_PROFILES } from './profiles.ts';
import { Rng } from './prng.ts';

export interface SandboxToken {
  token: string;
  profiles: number[];
}

/** 59 lowercase hex characters, the shape of BillPro's documented example token. */
const TOKEN_LENGTH = 59;

export function sandboxTokens(seed: number): SandboxToken[] {
  const rng = new Rng(seed, 'tokens');
  return TOKEN_PROFILES.map((profiles) => ({ token: rng.hex(TOKEN_LENGTH), profiles: [...profiles] }));
}

export class TokenBook {
  private readonly byToken: Map<string, readonly number[]>;

  constructor(tokens: readonly SandboxToken[]) {
    this.byToken = new Map(tokens.map((t) => [t.token, t.profiles]));
  }

  /**
   * The profiles the request's `Authorization: Bearer …` reaches; throws 401 otherwise.
   * ASSUMPTION: a bad or missing token answers 401 `{"error":"Unauthorized"}` (billpro-api.md §1.6
   * documents no status or body).
   */
  authenticate(authorization: string | undefined): readonly number[] {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const profiles = match?.[1] ? this.byToken.get(match[1]) : undefined;
    if (!profiles) throw httpError(401, 'Unauthorized');
    return profiles;
  }
}

/** The merchant profile a request acts on, from the token's profiles and `?profile_id`. */
export function resolveProfile(reachable: readonly number[], query: URLSearchParams): number {
  const requested = query.get(QUERY.profileId);
  // ASSUMPTION: a missing profile_id answers 400 and an unreachable one 403, with these words
  // (billpro-api.md §1.3: the error is a GAP).
  if (requested === null || requested.trim() === '') {
    const only = reachable.length === 1 ? reachable[0] : undefined;
    if (only === undefined) {
      throw httpError(400, 'profile_id is required: this API user can access more than one merchant profile');
    }
    return only;
  }
  const id = /^\d+$/.test(requested.trim()) ? Number(requested.trim()) : NaN;
  if (!reachable.includes(id)) throw httpError(403, 'You do not have access to this merchant profile');
  return id;
}
