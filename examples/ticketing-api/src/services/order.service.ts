import { AppDataSource } from '../config/data-source';
import { Event } from '../entities/Event';
import { Order } from '../entities/Order';
import { Ticket } from '../entities/Ticket';
import { HttpError } from '../utils/http';
import { AuditService } from './audit.service';
import { EventService } from './event.service';
import { PaymentService } from './payment.service';

export class OrderService {
  private readonly orderRepo = AppDataSource.getRepository(Order);
  private readonly ticketRepo = AppDataSource.getRepository(Ticket);
  private readonly eventService = new EventService();
  private readonly auditService = new AuditService();
  private readonly paymentService = new PaymentService();

  listForUser(userId: string): Promise<Order[]> {
    return this.orderRepo.find({
      where: { user: { id: userId } },
      relations: { event: true, tickets: true },
      order: { createdAt: 'DESC' },
    });
  }

  async createOrder(userId: string, eventId: string, quantity: number): Promise<Order> {
    const event = await this.eventService.reserveSeats(eventId, quantity);
    const tickets = await this.ticketRepo.find({
      where: { event: { id: eventId }, status: 'available' },
      order: { seatLabel: 'ASC' },
      take: quantity,
    });
    if (tickets.length < quantity) {
      throw new HttpError(409, 'not_enough_tickets');
    }

    const order = this.orderRepo.create({
      user: { id: userId },
      event,
      status: 'pending',
      totalAmount: tickets.reduce((sum, ticket) => sum + Number(ticket.price), 0).toFixed(2),
    });
    await this.orderRepo.save(order);

    for (const ticket of tickets) {
      ticket.status = 'reserved';
      ticket.order = order;
      await this.ticketRepo.save(ticket);
    }
    return order;
  }

  async markPaid(orderId: string, userId: string, paymentIntentId: string): Promise<Order> {
    return AppDataSource.transaction(async (manager) => {
      const order = await manager.findOne(Order, {
        where: { id: orderId, user: { id: userId } },
        relations: { tickets: true },
      });
      if (!order) {
        throw new HttpError(404, 'order_not_found');
      }
      if (order.status !== 'pending') {
        throw new HttpError(409, 'order_not_pending');
      }

      order.status = 'paid';
      order.paymentIntentId = paymentIntentId;
      await manager.save(order);
      await manager.update(
        Ticket,
        order.tickets.map((ticket) => ticket.id),
        { status: 'sold', owner: { id: userId } },
      );
      return order;
    });
  }

  async refund(orderId: string, actorId: string): Promise<Order> {
    const queryRunner = AppDataSource.createQueryRunner();
    await queryRunner.connect();
    await queryRunner.startTransaction();
    try {
      const order = await queryRunner.manager.findOne(Order, {
        where: { id: orderId },
        relations: { event: true, tickets: true },
      });
      if (!order) {
        throw new HttpError(404, 'order_not_found');
      }
      if (order.status !== 'paid' || !order.paymentIntentId) {
        throw new HttpError(409, 'order_not_refundable');
      }

      order.status = 'refunded';
      await queryRunner.manager.save(order);
      for (const ticket of order.tickets) {
        ticket.status = 'refunded';
      }
      await queryRunner.manager.save(order.tickets);
      await queryRunner.manager.increment(Event, { id: order.event.id }, 'availableSeats', order.tickets.length);

      await this.paymentService.refund(order.paymentIntentId);
      await queryRunner.commitTransaction();

      await this.auditService.record({
        actorId,
        action: 'order.refunded',
        entityType: 'Order',
        entityId: order.id,
        metadata: { tickets: order.tickets.length },
      });
      return order;
    } catch (err) {
      await queryRunner.rollbackTransaction();
      throw err;
    }
  }
}
