import { NextFunction, Request, Response } from 'express';
import { UserRole } from '../entities/User';
import { verifyAccessToken } from '../utils/tokens';

export interface AuthUser {
  id: string;
  role: UserRole;
}

export function requireAuth(req: Request, res: Response, next: NextFunction): void {
  const header = req.headers.authorization;
  if (!header || !header.startsWith('Bearer ')) {
    res.status(401).json({ error: 'unauthorized' });
    return;
  }

  const payload = verifyAccessToken(header.slice('Bearer '.length));
  if (!payload) {
    res.status(401).json({ error: 'invalid_token' });
    return;
  }

  const user: AuthUser = { id: payload.sub, role: payload.role };
  res.locals.user = user;
  next();
}

export function requireRole(...roles: UserRole[]) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const user = res.locals.user as AuthUser | undefined;
    if (!user || !roles.includes(user.role)) {
      res.status(403).json({ error: 'forbidden' });
      return;
    }
    next();
  };
}

export function currentUser(res: Response): AuthUser {
  return res.locals.user as AuthUser;
}
