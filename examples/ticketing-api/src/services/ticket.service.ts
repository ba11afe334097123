import { AppDataSource } from '../config/data-source';
import { Ticket } from '../entities/Ticket';
import { User } from '../entities/User';
import { newBarcode } from '../utils/barcode';
import { HttpError } from '../utils/http';

export class TicketService {
  private readonly ticketRepo = AppDataSource.getRepository(Ticket);

  listAvailable(eventId: string): Promise<Ticket[]> {
    return this.ticketRepo.find({
      where: { event: { id: eventId }, status: 'available' },
      order: { seatLabel: 'ASC' },
      take: 200,
    });
  }

  async getForOwner(id: string, ownerId: string): Promise<Ticket> {
    const ticket = await this.ticketRepo.findOne({
      where: { id, owner: { id: ownerId } },
      relations: { event: true },
    });
    if (!ticket) {
      throw new HttpError(404, 'ticket_not_found');
    }
    return ticket;
  }

  async transfer(ticketId: string, fromUserId: string, recipientEmail: string): Promise<Ticket> {
    return AppDataSource.transaction(async (manager) => {
      const ticket = await manager.findOne(Ticket, {
        where: { id: ticketId, owner: { id: fromUserId } },
        relations: { event: true, order: true },
      });
      if (!ticket) {
        throw new HttpError(404, 'ticket_not_found');
      }
      if (ticket.status !== 'sold') {
        throw new HttpError(409, 'ticket_not_transferable');
      }

      const recipient = await manager.findOneBy(User, { email: recipientEmail.trim().toLowerCase() });
      if (!recipient) {
        throw new HttpError(404, 'recipient_not_found');
      }

      // The old barcode must stop working at the gate, so the seat is reissued.
      ticket.status = 'void';
      await manager.save(ticket);

      const reissued = this.ticketRepo.create({
        event: ticket.event,
        order: ticket.order,
        owner: recipient,
        seatLabel: ticket.seatLabel,
        barcode: newBarcode(),
        price: ticket.price,
        status: 'sold',
      });
      await this.ticketRepo.save(reissued);
      return reissued;
    });
  }

  async removeTicket(id: string): Promise<void> {
    const result = await this.ticketRepo.delete(id);
    if (!result.affected) {
      throw new HttpError(404, 'ticket_not_found');
    }
  }
}
