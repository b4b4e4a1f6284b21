import { SignJWT, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import type { JwtAlgorithm } from '../platform/config.js';

export interface TokenSubject {
  id: number;
  tokenVersion: number;
}

export interface AccessTokens {
  issue(user: TokenSubject): Promise<string>;
  /** The subject of a valid token, or null for anything else (bad signature, expired, malformed). */
  verify(token: string): Promise<TokenSubject | null>;
}

/** Tokens whose signature was checked, kept so that a client's next requests skip the check. */
const VERIFIED_TOKENS = 10_000;

/**
 * HS256 JWTs with `sub`, `iat`, `exp` and `ver`, the user's token version when the token was issued.
 * A good token is remembered until it expires: its signature cannot change, and what may (the user's
 * token version, a suspension) is read from the user's row on every request, not from the token.
 */
export function createAccessTokens(options: {
  secretKey: string;
  algorithm: JwtAlgorithm;
  expireMinutes: number;
}): AccessTokens {
  const key = new TextEncoder().encode(options.secretKey);
  const verified = new LRUCache<string, { subject: TokenSubject; expiresAt: number }>({
    max: VERIFIED_TOKENS,
  });
  return {
    issue: (user) =>
      new SignJWT({ ver: user.tokenVersion })
        .setProtectedHeader({ alg: options.algorithm, typ: 'JWT' })
        .setSubject(String(user.id))
        .setIssuedAt()
        .setExpirationTime(`${options.expireMinutes}m`)
        .sign(key),
    async verify(token) {
      const known = verified.get(token);
      if (known && known.expiresAt > Date.now() / 1000) return known.subject;
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: [options.algorithm] });
        const id = Number(payload.sub);
        const version = payload.ver;
        if (
          !/^[1-9]\d{0,9}$/.test(payload.sub ?? '') ||
          typeof version !== 'number' ||
          !Number.isInteger(version)
        ) {
          return null;
        }
        const subject = { id, tokenVersion: version };
        // jwtVerify has checked that `exp`, if present, is a number in the future; the tokens issued
        // here always carry one, so a token without it is checked again each time.
        if (typeof payload.exp === 'number') verified.set(token, { subject, expiresAt: payload.exp });
        return subject;
      } catch {
        return null;
      }
    },
  };
}
