import 'dotenv/config';
import 'reflect-metadata';
import { AppDataSource } from './config/data-source';
import { logger } from './utils/logger';

const port = Number(process.env.PORT ?? 3000);

process.on('unhandledRejection', (reason) => {
  logger.error('unhandled promise rejection', { reason });
});

async function bootstrap(): Promise<void> {
  await AppDataSource.initialize();
  logger.info('database connected');

  // Services look up their repositories when they are constructed, which
  // needs the entity metadata that initialize() builds.
  const { app } = await import('./app');
  app.listen(port, () => {
    logger.info(`ticketing-api listening on port ${port}`);
  });
}

bootstrap().catch((err: Error) => {
  logger.error('failed to start', { error: err.message });
  process.exit(1);
});
