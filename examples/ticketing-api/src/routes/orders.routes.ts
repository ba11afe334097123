import { Router } from 'express';
import { ConfirmPaymentDto, CreateOrderDto } from '../dto/requests';
import { currentUser, requireAuth, requireRole } from '../middlewares/auth';
import { validateBody } from '../middlewares/validate';
import { OrderService } from '../services/order.service';
import { PaymentService } from '../services/payment.service';
import { asyncHandler } from '../utils/http';

const router = Router();
const orderService = new OrderService();
const paymentService = new PaymentService();

router.use(requireAuth);

router.get(
  '/',
  asyncHandler(async (_req, res) => {
    res.json(await orderService.listForUser(currentUser(res).id));
  }),
);

router.post(
  '/',
  validateBody(CreateOrderDto),
  asyncHandler(async (req, res) => {
    const { eventId, quantity } = req.body as CreateOrderDto;
    const order = await orderService.createOrder(currentUser(res).id, eventId, quantity);
    const intent = await paymentService.createPaymentIntent(order);
    res.status(201).json({ order, clientSecret: intent.client_secret });
  }),
);

router.post(
  '/:id/confirm',
  validateBody(ConfirmPaymentDto),
  asyncHandler(async (req, res) => {
    const { paymentIntentId } = req.body as ConfirmPaymentDto;
    const intent = await paymentService.retrievePaymentIntent(paymentIntentId);
    if (intent.status !== 'succeeded' || intent.metadata.orderId !== req.params.id) {
      res.status(402).json({ error: 'payment_not_completed' });
      return;
    }
    res.json(await orderService.markPaid(req.params.id, currentUser(res).id, paymentIntentId));
  }),
);

router.post(
  '/:id/refund',
  requireRole('admin'),
  asyncHandler(async (req, res) => {
    res.json(await orderService.refund(req.params.id, currentUser(res).id));
  }),
);

export default router;
