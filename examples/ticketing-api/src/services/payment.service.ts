import Stripe from 'stripe';
import { Order } from '../entities/Order';

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY as string);

export class PaymentService {
  async createPaymentIntent(order: Order): Promise<Stripe.PaymentIntent> {
    return stripe.paymentIntents.create({
      amount: Math.round(Number(order.totalAmount) * 100),
      currency: order.currency.toLowerCase(),
      metadata: { orderId: order.id },
    });
  }

  async retrievePaymentIntent(paymentIntentId: string): Promise<Stripe.PaymentIntent> {
    return stripe.paymentIntents.retrieve(paymentIntentId);
  }

  async refund(paymentIntentId: string): Promise<void> {
    await stripe.refunds.create({ payment_intent: paymentIntentId });
  }
}
