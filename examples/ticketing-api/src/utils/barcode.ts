import { randomBytes } from 'crypto';

/** 24 hex characters, printed as a Code 128 barcode on the ticket. */
export function newBarcode(): string {
  return randomBytes(12).toString('hex').toUpperCase();
}
