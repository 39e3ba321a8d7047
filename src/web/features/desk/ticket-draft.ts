/**
 * The ticket being written, kept in the tab's session storage while its author reads a suggested
 * article, so coming back finds it as it was; an article that answered the question discards it.
 * Files are not kept: a browser cannot store a chosen file.
 */
export type TicketDraft = {
  type: string;
  subject: string;
  description: string;
  sharedWithOrganisation: boolean;
};

const KEY = "convene.new-ticket-draft";

export function readTicketDraft(): TicketDraft | null {
  try {
    const saved = window.sessionStorage.getItem(KEY);
    return saved ? (JSON.parse(saved) as TicketDraft) : null;
  } catch {
    // Storage refused (private mode, a full quota) or a damaged entry: there is simply no draft.
    return null;
  }
}

export function keepTicketDraft(draft: TicketDraft): void {
  try {
    if (draft.subject.trim() || draft.description.trim())
      window.sessionStorage.setItem(KEY, JSON.stringify(draft));
    else window.sessionStorage.removeItem(KEY);
  } catch {
    // Without storage the draft lives only on the page, as it did before.
  }
}

export function discardTicketDraft(): void {
  try {
    window.sessionStorage.removeItem(KEY);
  } catch {
    // Nothing was kept.
  }
}
