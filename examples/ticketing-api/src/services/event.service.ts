import { MoreThan } from 'typeorm';
import { AppDataSource } from '../config/data-source';
import { CreateEventDto } from '../dto/requests';
import { Event } from '../entities/Event';
import { Ticket } from '../entities/Ticket';
import { newBarcode } from '../utils/barcode';
import { HttpError } from '../utils/http';

export class EventService {
  private readonly eventRepo = AppDataSource.getRepository(Event);

  listUpcoming(): Promise<Event[]> {
    return this.eventRepo.find({
      where: { startsAt: MoreThan(new Date()) },
      order: { startsAt: 'ASC' },
      take: 100,
    });
  }

  async getById(id: string): Promise<Event> {
    const event = await this.eventRepo.findOneBy({ id });
    if (!event) {
      throw new HttpError(404, 'event_not_found');
    }
    return event;
  }

  async create(input: CreateEventDto, organizerId: string): Promise<Event> {
    return AppDataSource.transaction(async (manager) => {
      const event = manager.create(Event, {
        name: input.name,
        venue: input.venue,
        startsAt: new Date(input.startsAt),
        totalSeats: input.totalSeats,
        availableSeats: input.totalSeats,
        price: input.price.toFixed(2),
        organizerId,
      });
      await manager.save(event);

      const tickets = Array.from({ length: input.totalSeats }, (_, index) =>
        manager.create(Ticket, {
          event,
          barcode: newBarcode(),
          price: event.price,
          status: 'available',
          seatLabel: `GA-${String(index + 1).padStart(5, '0')}`,
        }),
      );
      await manager.save(tickets, { chunk: 500 });
      return event;
    });
  }

  async reserveSeats(eventId: string, quantity: number): Promise<Event> {
    const event = await this.eventRepo.findOneBy({ id: eventId });
    if (!event) {
      throw new HttpError(404, 'event_not_found');
    }
    if (event.availableSeats < quantity) {
      throw new HttpError(409, 'sold_out');
    }
    event.availableSeats -= quantity;
    return this.eventRepo.save(event);
  }
}
