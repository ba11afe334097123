import { AppDataSource } from '../config/data-source';
import { AuditLog } from '../entities/AuditLog';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  metadata?: Record<string, unknown>;
}

export class AuditService {
  private readonly auditRepo = AppDataSource.getRepository(AuditLog);

  async record(entry: AuditEntry): Promise<void> {
    await this.auditRepo.save(this.auditRepo.create({ ...entry, metadata: entry.metadata ?? null }));
  }
}
