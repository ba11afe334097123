import jwt from 'jsonwebtoken';
import { JWT_SECRET } from './tokens';

export interface LegacySession {
  uid: string;
}

// Sessions from the v1 mobile app never had a refresh flow. The v2 app trades
// them once for a regular token pair (see POST /api/users/token/exchange).
export function verifyLegacyToken(token: string): LegacySession | null {
  try {
    const payload = jwt.verify(token, JWT_SECRET, { ignoreExpiration: true });
    if (typeof payload === 'string' || typeof payload.uid !== 'string') {
      return null;
    }
    return { uid: payload.uid };
  } catch {
    return null;
  }
}
