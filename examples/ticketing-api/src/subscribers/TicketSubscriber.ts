import { EntitySubscriberInterface, EventSubscriber, InsertEvent, UpdateEvent } from 'typeorm';
import { AuditLog } from '../entities/AuditLog';
import { Ticket } from '../entities/Ticket';

@EventSubscriber()
export class TicketSubscriber implements EntitySubscriberInterface<Ticket> {
  listenTo() {
    return Ticket;
  }

  async afterInsert(event: InsertEvent<Ticket>): Promise<void> {
    await event.manager.insert(AuditLog, {
      action: 'ticket.created',
      entityType: 'Ticket',
      entityId: event.entity.id,
      metadata: { status: event.entity.status },
    });
  }

  async afterUpdate(event: UpdateEvent<Ticket>): Promise<void> {
    const ticket = event.entity;
    if (!ticket?.id) {
      return;
    }
    await event.manager.insert(AuditLog, {
      action: 'ticket.updated',
      entityType: 'Ticket',
      entityId: ticket.id,
      metadata: {
        status: ticket.status,
        changed: event.updatedColumns.map((column) => column.propertyName),
      },
    });
  }
}
