import 'reflect-metadata';
import path from 'path';
import { DataSource } from 'typeorm';
import { AuditLog } from '../entities/AuditLog';
import { Event } from '../entities/Event';
import { Order } from '../entities/Order';
import { Ticket } from '../entities/Ticket';
import { User } from '../entities/User';
import { TicketSubscriber } from '../subscribers/TicketSubscriber';

export const AppDataSource = new DataSource({
  type: 'postgres',
  host: process.env.DB_HOST,
  port: Number(process.env.DB_PORT ?? 5432),
  username: process.env.DB_USER,
  password: process.env.DB_PASSWORD,
  database: process.env.DB_NAME,
  entities: [User, Event, Ticket, Order, AuditLog],
  subscribers: [TicketSubscriber],
  migrations: [path.join(__dirname, '..', 'migrations', '*.{ts,js}')],
  synchronize: true,
  logging: process.env.NODE_ENV === 'development' ? ['query', 'error'] : ['error'],
  extra: { max: 20 },
});
