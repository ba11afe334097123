import jwt from 'jsonwebtoken';
import { User, UserRole } from '../entities/User';

export const JWT_SECRET = process.env.JWT_SECRET || 'dev-secret-change-me';

export interface AccessTokenPayload {
  sub: string;
  role: UserRole;
}

export function signAccessToken(user: Pick<User, 'id' | 'role'>): string {
  return jwt.sign({ sub: user.id, role: user.role }, JWT_SECRET, { expiresIn: '30d' });
}

export function signRefreshToken(user: Pick<User, 'id'>): string {
  return jwt.sign({ sub: user.id, type: 'refresh' }, JWT_SECRET, { expiresIn: '14d' });
}

export function signPasswordResetToken(user: Pick<User, 'id'>): string {
  return jwt.sign({ sub: user.id, purpose: 'password-reset' }, JWT_SECRET, { expiresIn: '1h' });
}

function decodeVerified(token: string): jwt.JwtPayload | null {
  try {
    const payload = jwt.verify(token, JWT_SECRET);
    return typeof payload === 'string' ? null : payload;
  } catch {
    return null;
  }
}

export function verifyAccessToken(token: string): AccessTokenPayload | null {
  const payload = decodeVerified(token);
  if (!payload || typeof payload.sub !== 'string' || payload.type || payload.purpose) {
    return null;
  }
  return { sub: payload.sub, role: payload.role as UserRole };
}

export function verifyRefreshToken(token: string): string | null {
  const payload = decodeVerified(token);
  return payload?.type === 'refresh' && typeof payload.sub === 'string' ? payload.sub : null;
}

export function verifyPasswordResetToken(token: string): string | null {
  const payload = decodeVerified(token);
  return payload?.purpose === 'password-reset' && typeof payload.sub === 'string' ? payload.sub : null;
}
