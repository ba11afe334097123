import { Router } from 'express';
import { CreateEventDto } from '../dto/requests';
import { currentUser, requireAuth, requireRole } from '../middlewares/auth';
import { validateBody } from '../middlewares/validate';
import { EventService } from '../services/event.service';
import { ReportService } from '../services/report.service';
import { TicketService } from '../services/ticket.service';
import { asyncHandler } from '../utils/http';

const router = Router();
const eventService = new EventService();
const ticketService = new TicketService();
const reportService = new ReportService();

router.get(
  '/',
  asyncHandler(async (_req, res) => {
    res.json(await eventService.listUpcoming());
  }),
);

router.get(
  '/search',
  asyncHandler(async (req, res) => {
    const term = typeof req.query.q === 'string' ? req.query.q.trim() : '';
    if (term.length < 2) {
      res.status(400).json({ error: 'query_too_short' });
      return;
    }
    res.json(await reportService.searchEvents(term));
  }),
);

router.get(
  '/:id',
  asyncHandler(async (req, res) => {
    res.json(await eventService.getById(req.params.id));
  }),
);

router.get(
  '/:id/tickets',
  asyncHandler(async (req, res) => {
    res.json(await ticketService.listAvailable(req.params.id));
  }),
);

router.post(
  '/',
  requireAuth,
  requireRole('organizer', 'admin'),
  validateBody(CreateEventDto),
  asyncHandler(async (req, res) => {
    const event = await eventService.create(req.body as CreateEventDto, currentUser(res).id);
    res.status(201).json(event);
  }),
);

export default router;
