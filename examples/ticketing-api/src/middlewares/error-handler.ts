import { NextFunction, Request, Response } from 'express';
import { HttpError } from '../utils/http';
import { logger } from '../utils/logger';

export function notFoundHandler(req: Request, res: Response): void {
  res.status(404).json({ error: 'not_found', path: req.path });
}

export function errorHandler(err: Error, req: Request, res: Response, _next: NextFunction): void {
  if (err instanceof HttpError) {
    res.status(err.status).json({ error: err.code });
    return;
  }

  logger.error('unhandled error', { method: req.method, path: req.originalUrl, stack: err.stack });
  res.status(500).json({ message: err.message, stack: err.stack });
}
