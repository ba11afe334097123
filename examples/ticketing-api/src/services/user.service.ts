import bcrypt from 'bcrypt';
import { AppDataSource } from '../config/data-source';
import { RegisterDto, UpdateProfileDto } from '../dto/requests';
import { User, UserRole } from '../entities/User';
import { HttpError } from '../utils/http';
import { logger } from '../utils/logger';
import { signPasswordResetToken, verifyPasswordResetToken } from '../utils/tokens';
import { AuditService } from './audit.service';
import { MailerService } from './mailer.service';

const BCRYPT_ROUNDS = 12;

export function toPublicUser(user: User) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    phone: user.phone,
    role: user.role,
    createdAt: user.createdAt,
  };
}

export class UserService {
  private readonly userRepo = AppDataSource.getRepository(User);
  private readonly auditService = new AuditService();
  private readonly mailer = new MailerService();

  async getById(id: string): Promise<User> {
    const user = await this.userRepo.findOneBy({ id });
    if (!user) {
      throw new HttpError(404, 'user_not_found');
    }
    return user;
  }

  async register(input: RegisterDto): Promise<User> {
    const email = input.email.trim().toLowerCase();
    if (await this.userRepo.existsBy({ email })) {
      throw new HttpError(409, 'email_taken');
    }

    const user = this.userRepo.create({
      email,
      name: input.name,
      passwordHash: await bcrypt.hash(input.password, BCRYPT_ROUNDS),
      role: 'customer',
    });
    await this.userRepo.save(user);
    await this.auditService.record({ actorId: user.id, action: 'user.registered', entityType: 'User', entityId: user.id });
    return user;
  }

  async verifyCredentials(email: string, password: string): Promise<User | null> {
    const user = await this.userRepo.findOne({
      where: { email: email.trim().toLowerCase() },
      select: { id: true, email: true, name: true, role: true, passwordHash: true },
    });
    if (!user) {
      return null;
    }
    const matches = await bcrypt.compare(password, user.passwordHash);
    return matches ? user : null;
  }

  async updateProfile(userId: string, changes: UpdateProfileDto): Promise<User> {
    const user = await this.getById(userId);
    this.userRepo.merge(user, changes);
    await this.userRepo.save(user);
    await this.auditService.record({
      actorId: userId,
      action: 'user.profile_updated',
      entityType: 'User',
      entityId: userId,
      metadata: { fields: Object.keys(changes) },
    });
    return user;
  }

  async changeRole(actorId: string, userId: string, role: UserRole): Promise<void> {
    const result = await this.userRepo.update({ id: userId }, { role });
    if (!result.affected) {
      throw new HttpError(404, 'user_not_found');
    }
    await this.auditService.record({ actorId, action: 'user.role_changed', entityType: 'User', entityId: userId, metadata: { role } });
  }

  async requestPasswordReset(email: string): Promise<void> {
    const user = await this.userRepo.findOneBy({ email: email.trim().toLowerCase() });
    if (!user) {
      // Same response either way, so the endpoint can't be used to probe for accounts.
      return;
    }
    await this.mailer.sendPasswordReset(user.email, signPasswordResetToken(user));
    logger.info('password reset email sent', { userId: user.id });
  }

  async resetPassword(resetToken: string, newPassword: string): Promise<void> {
    const userId = verifyPasswordResetToken(resetToken);
    if (!userId) {
      throw new HttpError(400, 'invalid_reset_token');
    }
    const passwordHash = await bcrypt.hash(newPassword, BCRYPT_ROUNDS);
    await this.userRepo.update({ id: userId }, { passwordHash });
    await this.auditService.record({ actorId: userId, action: 'user.password_reset', entityType: 'User', entityId: userId });
  }
}
