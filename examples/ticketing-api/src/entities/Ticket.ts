import {
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Event } from './Event';
import { Order } from './Order';
import { User } from './User';

export type TicketStatus = 'available' | 'reserved' | 'sold' | 'refunded' | 'void';

@Entity({ name: 'tickets' })
export class Ticket {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @ManyToOne(() => Event, { nullable: false })
  @JoinColumn({ name: 'event_id' })
  event!: Event;

  @ManyToOne(() => Order, (order) => order.tickets, { nullable: true })
  @JoinColumn({ name: 'order_id' })
  order!: Order | null;

  @ManyToOne(() => User, { nullable: true })
  @JoinColumn({ name: 'owner_id' })
  owner!: User | null;

  @Column({ name: 'seat_label', type: 'varchar', length: 16, nullable: true })
  seatLabel!: string | null;

  @Column({ type: 'varchar', length: 32, unique: true })
  barcode!: string;

  @Column({ type: 'numeric', precision: 10, scale: 2 })
  price!: string;

  @Column({ type: 'varchar', length: 16, default: 'available' })
  status!: TicketStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz' })
  deletedAt!: Date | null;
}
