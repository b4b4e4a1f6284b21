import { SignJWT, jwtVerify } from 'jose';
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

/** HS256 JWTs with `sub`, `iat`, `exp` and `ver`, the user's token version when the token was issued. */
export function createAccessTokens(options: {
  secretKey: string;
  algorithm: JwtAlgorithm;
  expireMinutes: number;
}): AccessTokens {
  const key = new TextEncoder().encode(options.secretKey);
  return {
    issue: (user) =>
      new SignJWT({ ver: user.tokenVersion })
        .setProtectedHeader({ alg: options.algorithm, typ: 'JWT' })
        .setSubject(String(user.id))
        .setIssuedAt()
        .setExpirationTime(`${options.expireMinutes}m`)
        .sign(key),
    async verify(token) {
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
        return { id, tokenVersion: version };
      } catch {
        return null;
      }
    },
  };
}
