import cors from 'cors';
import express from 'express';
import { apiKeyAuth } from './middlewares/api-key';
import { errorHandler, notFoundHandler } from './middlewares/error-handler';
import eventRouter from './routes/events.routes';
import healthRouter from './routes/health.routes';
import orderRouter from './routes/orders.routes';
import partnerRouter from './routes/partner.routes';
import ticketRouter from './routes/tickets.routes';
import userRouter from './routes/users.routes';
import { requestLogger } from './utils/logger';

export const app = express();

app.disable('x-powered-by');
app.set('trust proxy', 1);

app.use(cors());
app.use(express.json({ limit: '1mb' }));
app.use(requestLogger);

app.use(healthRouter);
app.use('/api/users', userRouter);
app.use('/api/events', eventRouter);
app.use('/api/tickets', ticketRouter);
app.use('/api/orders', orderRouter);
app.use('/api/partner', apiKeyAuth, partnerRouter);

app.use(notFoundHandler);
app.use(errorHandler);
