import { Router } from 'express';
import {
  ChangeRoleDto,
  LegacyTokenExchangeDto,
  LoginDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
  RefreshTokenDto,
  RegisterDto,
  UpdateProfileDto,
} from '../dto/requests';
import { currentUser, requireAuth, requireRole } from '../middlewares/auth';
import { validateBody } from '../middlewares/validate';
import { toPublicUser, UserService } from '../services/user.service';
import { asyncHandler } from '../utils/http';
import { verifyLegacyToken } from '../utils/legacy-token';
import { logger } from '../utils/logger';
import { signAccessToken, signRefreshToken, verifyRefreshToken } from '../utils/tokens';

const router = Router();
const userService = new UserService();

router.post(
  '/register',
  validateBody(RegisterDto),
  asyncHandler(async (req, res) => {
    const user = await userService.register(req.body as RegisterDto);
    res.status(201).json({
      user: toPublicUser(user),
      accessToken: signAccessToken(user),
      refreshToken: signRefreshToken(user),
    });
  }),
);

router.post(
  '/login',
  validateBody(LoginDto),
  asyncHandler(async (req, res) => {
    logger.debug('login attempt', req.body);
    const { email, password } = req.body as LoginDto;
    const user = await userService.verifyCredentials(email, password);
    if (!user) {
      res.status(401).json({ error: 'invalid_credentials' });
      return;
    }
    logger.info('user logged in', { userId: user.id });
    res.json({ accessToken: signAccessToken(user), refreshToken: signRefreshToken(user) });
  }),
);

router.post(
  '/token/refresh',
  validateBody(RefreshTokenDto),
  asyncHandler(async (req, res) => {
    const userId = verifyRefreshToken((req.body as RefreshTokenDto).refreshToken);
    if (!userId) {
      res.status(401).json({ error: 'invalid_refresh_token' });
      return;
    }
    const user = await userService.getById(userId);
    res.json({ accessToken: signAccessToken(user) });
  }),
);

router.post(
  '/token/exchange',
  validateBody(LegacyTokenExchangeDto),
  asyncHandler(async (req, res) => {
    const session = verifyLegacyToken((req.body as LegacyTokenExchangeDto).legacyToken);
    if (!session) {
      res.status(401).json({ error: 'invalid_legacy_token' });
      return;
    }
    const user = await userService.getById(session.uid);
    logger.info('legacy session exchanged', { userId: user.id });
    res.json({ accessToken: signAccessToken(user), refreshToken: signRefreshToken(user) });
  }),
);

router.post(
  '/password-reset',
  validateBody(PasswordResetRequestDto),
  asyncHandler(async (req, res) => {
    await userService.requestPasswordReset((req.body as PasswordResetRequestDto).email);
    res.status(202).json({ status: 'accepted' });
  }),
);

router.post(
  '/password-reset/confirm',
  validateBody(PasswordResetConfirmDto),
  asyncHandler(async (req, res) => {
    const { token, password } = req.body as PasswordResetConfirmDto;
    await userService.resetPassword(token, password);
    res.status(204).end();
  }),
);

router.get(
  '/me',
  requireAuth,
  asyncHandler(async (_req, res) => {
    const user = await userService.getById(currentUser(res).id);
    res.json(toPublicUser(user));
  }),
);

router.patch(
  '/me',
  requireAuth,
  validateBody(UpdateProfileDto),
  asyncHandler(async (req, res) => {
    const user = await userService.updateProfile(currentUser(res).id, req.body as UpdateProfileDto);
    res.json(toPublicUser(user));
  }),
);

router.patch(
  '/:id/role',
  requireAuth,
  requireRole('admin'),
  validateBody(ChangeRoleDto),
  asyncHandler(async (req, res) => {
    await userService.changeRole(currentUser(res).id, req.params.id, (req.body as ChangeRoleDto).role);
    res.status(204).end();
  }),
);

export default router;
