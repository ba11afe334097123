import { AfterUpdate, Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { logger } from '../utils/logger';

@Entity({ name: 'events' })
export class Event {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 200 })
  venue!: string;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt!: Date;

  @Column({ name: 'total_seats', type: 'int' })
  totalSeats!: number;

  @Column({ name: 'available_seats', type: 'int' })
  availableSeats!: number;

  @Column({ type: 'numeric', precision: 10, scale: 2 })
  price!: string;

  @Column({ name: 'organizer_id', type: 'uuid' })
  organizerId!: string;

  @AfterUpdate()
  logUpdate(): void {
    logger.info('event updated', { eventId: this.id, availableSeats: this.availableSeats });
  }
}
