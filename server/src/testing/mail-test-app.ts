import { createTestApp, type TestApp } from './test-app.ts';
import { startTestSmtpServer, type ReceivedSmtpMessage, type TestSmtpServer } from './test-smtp-server.ts';

/** A test app whose emails go through a real SMTP server started for it. */
export interface MailTestApp {
  t: TestApp;
  smtp: TestSmtpServer;
  /** Delivers every email due now (call it after the setup, so each test counts only its own). */
  deliverAll(): Promise<void>;
  /** Delivers what is due, then answers what arrived since `since` (an index into smtp.messages), for `to` if given. */
  receivedSince(since: number, to?: string): Promise<ReceivedSmtpMessage[]>;
  close(): Promise<void>;
}

export async function createMailTestApp(): Promise<MailTestApp> {
  const smtp = await startTestSmtpServer();
  const t = await createTestApp({ LANYARD_SMTP_URL: smtp.url() });
  const deliverAll = async () => {
    await t.deps.recovery.resetRequestsIdle();
    while ((await t.deps.mail.deliverDue()) > 0);
  };
  return {
    t,
    smtp,
    deliverAll,
    async receivedSince(since, to) {
      await deliverAll();
      const received = smtp.messages.slice(since);
      return to === undefined ? received : received.filter((message) => message.envelopeTo.includes(to));
    },
    async close() {
      await t.close();
      await smtp.close();
    },
  };
}
