import {
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsJWT,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { UserRole } from '../entities/User';

export class RegisterDto {
  @IsEmail()
  email!: string;

  @IsString()
  @MinLength(10)
  @MaxLength(128)
  password!: string;

  @IsString()
  @Length(1, 100)
  name!: string;
}

export class LoginDto {
  @IsEmail()
  email!: string;

  @IsString()
  password!: string;
}

export class RefreshTokenDto {
  @IsJWT()
  refreshToken!: string;
}

export class LegacyTokenExchangeDto {
  @IsJWT()
  legacyToken!: string;
}

export class UpdateProfileDto {
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(32)
  phone?: string;
}

export class PasswordResetRequestDto {
  @IsEmail()
  email!: string;
}

export class PasswordResetConfirmDto {
  @IsJWT()
  token!: string;

  @IsString()
  @MinLength(10)
  @MaxLength(128)
  password!: string;
}

export class ChangeRoleDto {
  @IsIn(['customer', 'organizer', 'admin'])
  role!: UserRole;
}

export class CreateEventDto {
  @IsString()
  @Length(1, 200)
  name!: string;

  @IsString()
  @Length(1, 200)
  venue!: string;

  @IsISO8601()
  startsAt!: string;

  @IsInt()
  @Min(1)
  @Max(50000)
  totalSeats!: number;

  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  price!: number;
}

export class CreateOrderDto {
  @IsUUID()
  eventId!: string;

  @IsInt()
  @Min(1)
  @Max(10)
  quantity!: number;
}

export class ConfirmPaymentDto {
  @IsString()
  @Length(1, 64)
  paymentIntentId!: string;
}

export class TransferTicketDto {
  @IsEmail()
  recipientEmail!: string;
}
