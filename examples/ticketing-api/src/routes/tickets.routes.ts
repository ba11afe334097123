import { Router } from 'express';
import { TransferTicketDto } from '../dto/requests';
import { currentUser, requireAuth, requireRole } from '../middlewares/auth';
import { validateBody } from '../middlewares/validate';
import { MailerService } from '../services/mailer.service';
import { TicketService } from '../services/ticket.service';
import { asyncHandler } from '../utils/http';

const router = Router();
const ticketService = new TicketService();
const mailer = new MailerService();

router.use(requireAuth);

router.get(
  '/:id',
  asyncHandler(async (req, res) => {
    res.json(await ticketService.getForOwner(req.params.id, currentUser(res).id));
  }),
);

router.post(
  '/:id/transfer',
  validateBody(TransferTicketDto),
  asyncHandler(async (req, res) => {
    const { recipientEmail } = req.body as TransferTicketDto;
    const ticket = await ticketService.transfer(req.params.id, currentUser(res).id, recipientEmail);
    await mailer.sendTicketReceived(recipientEmail, ticket);
    res.json({ id: ticket.id, status: ticket.status, seatLabel: ticket.seatLabel });
  }),
);

router.delete(
  '/:id',
  requireRole('admin'),
  asyncHandler(async (req, res) => {
    await ticketService.removeTicket(req.params.id);
    res.status(204).end();
  }),
);

export default router;
