// The port between making notifications (service.ts) and e-mailing them (mail/): the service
// hands over each new notification; delivery decides, after NOTIFY_EMAIL_DELAY_SECONDS, whether
// and what to send, reading everything again at that time.
import type { NotificationRecord } from '../store/notifications.js';

export interface NotificationDelivery {
  /** A notification was just stored: e-mail it later if it is still unread then (and wanted). */
  scheduled(n: NotificationRecord): Promise<void>;
  /** The member's account is being deleted: nothing more is sent to them. */
  forgetUser(userId: string): Promise<void>;
  /** Starts workers (jobs of every process are run by one of them). */
  start(): Promise<void>;
  close(): Promise<void>;
}
