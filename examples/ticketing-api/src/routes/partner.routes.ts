import { Router } from 'express';
import { EventService } from '../services/event.service';
import { ReportService } from '../services/report.service';
import { asyncHandler } from '../utils/http';

const router = Router();
const eventService = new EventService();
const reportService = new ReportService();

router.get(
  '/events',
  asyncHandler(async (_req, res) => {
    const events = await eventService.listUpcoming();
    res.json(events.map(({ id, name, venue, startsAt, availableSeats }) => ({ id, name, venue, startsAt, availableSeats })));
  }),
);

router.get(
  '/events/:id/sales',
  asyncHandler(async (req, res) => {
    const event = await eventService.getById(req.params.id);
    const sales = await reportService.salesByEvent(event.id);
    res.json({ eventId: event.id, partner: res.locals.partner, ...sales });
  }),
);

export default router;
