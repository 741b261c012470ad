// Types of load/lib/mail.js for the tests that import it (the k6 scripts are plain JavaScript).
export interface MailpitAddress {
  Address: string;
  Name?: string;
}
export interface MailpitSummary {
  ID: string;
  To: MailpitAddress[] | null;
  Subject?: string;
  Created?: string;
}
export function mailSearchPath(email: string): string;
export function newestMailTo(search: { messages?: MailpitSummary[] } | null, email: string): MailpitSummary | null;
export function signInCodeIn(text: string | null | undefined): string | null;
