// The shapes feedback-round routes answer with; the web imports them with `import type`.
import type { AnswerScope, FeedbackQuestion, PostCategory, QuestionKind, TriageState } from "./schema.js";

export type { AnswerScope, FeedbackQuestion, QuestionKind, TriageState };

/** Where a round stands now: not yet open, taking answers, or closed. */
export type RoundStatus = "upcoming" | "open" | "closed";

/** The sandbox feature flag a round is about, and where to try it. */
export type RoundFlagView = { key: string; name: string; state: "off" | "preview" | "on" };

export type RoundSummaryView = {
  id: string;
  projectId: string;
  title: string;
  opensAt: string;
  closesAt: string;
  status: RoundStatus;
  answerScope: AnswerScope;
  questionCount: number;
  /** Whether the caller (or, for organisation scope, their organisation) has answered. */
  answered: boolean;
  /** Staff only: how many answers have arrived; null for everyone else. */
  responseCount: number | null;
  createdAt: string;
};

export type ResponseFileView = {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  url: string;
  createdAt: string;
};

export type FeedbackResponseView = {
  id: string;
  roundId: string;
  /** The organisation the answer counts for (the answering person's). */
  organisation: { id: string; name: string };
  /** Who saved the answer last: for organisation scope any colleague may have edited it. */
  answeredBy: { id: string; name: string };
  answers: Record<string, string | number>;
  files: ResponseFileView[];
  triage: TriageState;
  staffReply: string | null;
  staffReplyHtml: string | null;
  triagedBy: { id: string; name: string } | null;
  triagedAt: string | null;
  submittedAt: string;
  updatedAt: string;
};

export type RoundView = Omit<RoundSummaryView, "questionCount"> & {
  description: string;
  descriptionHtml: string;
  questions: FeedbackQuestion[];
  flag: RoundFlagView | null;
  /** The development environment, where the flagged feature can be tried; null without a flag. */
  tryUrl: string | null;
  summaryPostId: string | null;
  updatedAt: string;
  /** The caller's own answer (organisation scope: their organisation's); null for staff or before answering. */
  myResponse: FeedbackResponseView | null;
  canManage: boolean;
};

export type ResponseRateView = {
  organisationId: string;
  organisationName: string;
  /** Organisation scope: 1 per organisation; person scope: the organisation's people in the project. */
  invited: number;
  responded: number;
};

export type QuestionSummaryView = {
  id: string;
  prompt: string;
  kind: QuestionKind;
  /** How many answers answer this question. */
  answered: number;
  ratingDistribution?: Record<"1" | "2" | "3" | "4" | "5", number>;
  choiceCounts?: Record<string, number>;
  textCount?: number;
};

export type RoundResultsView = {
  roundId: string;
  responseCount: number;
  responseRate: ResponseRateView[];
  questions: QuestionSummaryView[];
};

export type SummaryPostCategory = Extract<PostCategory, "decision" | "announcement">;
