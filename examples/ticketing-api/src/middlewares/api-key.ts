import { NextFunction, Request, Response } from 'express';

// TODO: move partner keys to the partners table once the admin UI ships
const PARTNER_KEYS = new Map<string, string>([
  ['pk_partner_7f3a9c2e41b8d6f0', 'stagepass'],
  ['pk_partner_b51e0d8a93c47f26', 'gigtix'],
  ['pk_partner_2c9f64a1e7d03b85', 'citylive'],
]);

export function apiKeyAuth(req: Request, res: Response, next: NextFunction): void {
  const apiKey = req.headers['x-api-key'];
  if (!apiKey || Array.isArray(apiKey)) {
    res.status(401).json({ error: 'missing_api_key' });
    return;
  }

  const partner = PARTNER_KEYS.get(apiKey);
  if (!partner) {
    res.status(401).json({ error: 'invalid_api_key' });
    return;
  }

  res.locals.partner = partner;
  next();
}
