import nodemailer from 'nodemailer';
import { Ticket } from '../entities/Ticket';

const smtpPassword = 'Sm7p!Pa55w0rd2024';

const transporter = nodemailer.createTransport({
  host: process.env.SMTP_HOST,
  port: Number(process.env.SMTP_PORT ?? 587),
  auth: { user: process.env.SMTP_USER, pass: smtpPassword },
});

const FROM = 'StagePass Tickets <no-reply@stagepass.io>';

export class MailerService {
  async sendPasswordReset(to: string, resetToken: string): Promise<void> {
    const link = `${process.env.APP_URL}/reset-password?token=${encodeURIComponent(resetToken)}`;
    await transporter.sendMail({
      from: FROM,
      to,
      subject: 'Reset your password',
      text: `Someone asked to reset your password. Open ${link} within the next hour to choose a new one.`,
    });
  }

  async sendTicketReceived(to: string, ticket: Ticket): Promise<void> {
    await transporter.sendMail({
      from: FROM,
      to,
      subject: `Your ticket for ${ticket.event.name}`,
      text: `A ticket for ${ticket.event.name} (seat ${ticket.seatLabel ?? 'general admission'}) was transferred to you. Barcode: ${ticket.barcode}`,
    });
  }
}
