import { useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  AnswerScope,
  FeedbackQuestion,
  FeedbackResponseView,
  QuestionKind,
  QuestionSummaryView,
  ResponseFileView,
  RoundResultsView,
  RoundStatus,
  RoundSummaryView,
  RoundView,
  SummaryPostCategory,
  TriageState,
} from "../../../server/modules/projects/present-feedback.js";
import { api } from "../../app/api.js";

export type { AnswerScope, FeedbackQuestion, QuestionKind, RoundStatus, SummaryPostCategory, TriageState };
export type RoundSummary = RoundSummaryView;
export type Round = RoundView;
export type FeedbackResponse = FeedbackResponseView;
export type ResponseFile = ResponseFileView;
export type RoundResults = RoundResultsView;
export type QuestionSummary = QuestionSummaryView;

/** An answer per question id: a rating 1–5, a chosen option or free text. */
export type Answers = Record<string, number | string>;

/** A question as the round form sends it; the server gives each its id. */
export type QuestionInput = Omit<FeedbackQuestion, "id">;
export type RoundInput = {
  title: string;
  description: string;
  questions: QuestionInput[];
  opensAt: string;
  closesAt: string;
  answerScope: AnswerScope;
  flagKey?: string;
};
export type Triage = { triage: TriageState; staffReply: string | null };

export const triageLabels: Record<TriageState, string> = {
  new: "New",
  acknowledged: "Acknowledged",
  planned: "Planned",
  wont_do: "Won't do",
};
export const triageColors: Record<TriageState, string> = {
  new: "blue",
  acknowledged: "teal",
  planned: "green",
  wont_do: "gray",
};
export const triageOptions = Object.entries(triageLabels).map(([value, label]) => ({ value, label }));

export const roundStatusLabels: Record<RoundStatus, string> = {
  upcoming: "Not open yet",
  open: "Open",
  closed: "Closed",
};
export const roundStatusColors: Record<RoundStatus, string> = {
  upcoming: "gray",
  open: "green",
  closed: "dark",
};

export const questionKindLabels: Record<QuestionKind, string> = {
  rating: "Rating 1–5",
  choice: "One choice",
  text: "Free text",
};

export const feedbackKeys = {
  rounds: (projectId: string) => ["projects", projectId, "rounds"] as const,
  round: (projectId: string, roundId: string) => ["projects", projectId, "rounds", roundId] as const,
  responses: (projectId: string, roundId: string) =>
    ["projects", projectId, "rounds", roundId, "responses"] as const,
  summary: (projectId: string, roundId: string) =>
    ["projects", projectId, "rounds", roundId, "summary"] as const,
};

const roundsPath = (projectId: string) => `/api/projects/${encodeURIComponent(projectId)}/rounds`;
export const roundPath = (projectId: string, roundId: string, rest = "") =>
  `${roundsPath(projectId)}/${encodeURIComponent(roundId)}${rest}`;

export const feedbackApi = {
  create: (projectId: string, body: RoundInput) => api.post<Round>(roundsPath(projectId), body),
  /** `baseUpdatedAt` is when the answer being edited was saved, so a colleague's newer save is not overwritten unseen. */
  answer: (projectId: string, roundId: string, answers: Answers, baseUpdatedAt?: string) =>
    api.put<FeedbackResponse>(roundPath(projectId, roundId, "/response"), {
      answers,
      ...(baseUpdatedAt ? { baseUpdatedAt } : {}),
    }),
  attach: (projectId: string, roundId: string, file: File) =>
    api.upload<ResponseFile>(roundPath(projectId, roundId, "/response/files"), file),
  triage: (projectId: string, roundId: string, responseId: string, body: Triage) =>
    api.patch<FeedbackResponse>(
      roundPath(projectId, roundId, `/responses/${encodeURIComponent(responseId)}`),
      body,
    ),
  publishSummary: (projectId: string, roundId: string, category: SummaryPostCategory) =>
    api.post<{ id: string; title: string }>(roundPath(projectId, roundId, "/summary-post"), { category }),
};

export const useRounds = (projectId: string) =>
  useQuery({
    queryKey: feedbackKeys.rounds(projectId),
    queryFn: () => api.get<{ rounds: RoundSummary[] }>(roundsPath(projectId)),
    select: (data) => data.rounds,
  });

export const useRound = (projectId: string, roundId: string) =>
  useQuery({
    queryKey: feedbackKeys.round(projectId, roundId),
    queryFn: () => api.get<Round>(roundPath(projectId, roundId)),
  });

/** Staff: the answers as they arrive, so polled while the page is open. */
export const useResponses = (projectId: string, roundId: string) =>
  useQuery({
    queryKey: feedbackKeys.responses(projectId, roundId),
    queryFn: () => api.get<{ responses: FeedbackResponse[] }>(roundPath(projectId, roundId, "/responses")),
    select: (data) => data.responses,
    refetchInterval: 30_000,
  });

export const useRoundResults = (projectId: string, roundId: string) =>
  useQuery({
    queryKey: feedbackKeys.summary(projectId, roundId),
    queryFn: () => api.get<RoundResults>(roundPath(projectId, roundId, "/summary")),
    refetchInterval: 30_000,
  });

/** After anything that changes a round or its answers: the round, its lists and its results. */
export function useRoundRefresh(projectId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: feedbackKeys.rounds(projectId) });
}
