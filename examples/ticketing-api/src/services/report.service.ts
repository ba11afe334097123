import { AppDataSource } from '../config/data-source';

export interface EventSearchRow {
  id: string;
  name: string;
  venue: string;
  starts_at: Date;
}

export interface EventSales {
  sold: number;
  revenue: string;
}

export class ReportService {
  async searchEvents(term: string): Promise<EventSearchRow[]> {
    return AppDataSource.query(
      `SELECT id, name, venue, starts_at FROM events WHERE name ILIKE '%${term}%' ORDER BY starts_at LIMIT 50`,
    );
  }

  async salesByEvent(eventId: string): Promise<EventSales> {
    const rows: EventSales[] = await AppDataSource.query(
      'SELECT COUNT(*)::int AS sold, COALESCE(SUM(price), 0)::text AS revenue FROM tickets WHERE event_id = $1 AND status = $2 AND deleted_at IS NULL',
      [eventId, 'sold'],
    );
    return rows[0] ?? { sold: 0, revenue: '0' };
  }
}
