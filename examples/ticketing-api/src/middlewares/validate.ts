import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { NextFunction, Request, Response } from 'express';

type DtoClass<T> = new () => T;

export function validateBody<T extends object>(dto: DtoClass<T>) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const body = plainToInstance(dto, req.body ?? {});
    const problems = await validate(body, { whitelist: true, forbidNonWhitelisted: true });
    if (problems.length > 0) {
      res.status(400).json({
        error: 'validation_failed',
        fields: problems.map((problem) => ({ field: problem.property, constraints: problem.constraints })),
      });
      return;
    }
    req.body = body;
    next();
  };
}
