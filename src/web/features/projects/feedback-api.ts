import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { QuestionKind, TriageState } from "../../../server/modules/projects/contracts/common.js";
import type {
  Answers,
  RoundInput,
  RoundStatus,
  SummaryPostCategory,
  TriageInput,
} from "../../../server/modules/projects/contracts/feedback.js";
import * as feedback from "../../../server/modules/projects/contracts/feedback.js";
import { pathOf } from "../../../shared/operation-path.js";
import { callApi } from "../../app/api.js";

export type {
  AnswerScope,
  QuestionKind,
  TriageState,
} from "../../../server/modules/projects/contracts/common.js";
export type {
  Answers,
  FeedbackQuestion,
  FeedbackResponse,
  QuestionInput,
  QuestionSummary,
  ResponseFile,
  Round,
  RoundInput,
  RoundResults,
  RoundStatus,
  RoundSummary,
  SummaryPostCategory,
} from "../../../server/modules/projects/contracts/feedback.js";
export type Triage = TriageInput;

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

/** The link that downloads every answer of a round as CSV. */
export const responsesCsvUrl = (projectId: string, roundId: string) =>
  pathOf(feedback.downloadResponsesCsv, { id: projectId, roundId });

export const feedbackApi = {
  create: (projectId: string, body: RoundInput) =>
    callApi(feedback.createRound, { params: { id: projectId }, body }),
  /** `baseUpdatedAt` is when the answer being edited was saved, so a colleague's newer save is not overwritten unseen. */
  answer: (projectId: string, roundId: string, answers: Answers, baseUpdatedAt?: string) =>
    callApi(feedback.saveResponse, {
      params: { id: projectId, roundId },
      body: { answers, ...(baseUpdatedAt ? { baseUpdatedAt } : {}) },
    }),
  attach: (projectId: string, roundId: string, file: File) => {
    const form = new FormData();
    form.append("file", file);
    return callApi(feedback.attachResponseFile, { params: { id: projectId, roundId }, form });
  },
  triage: (projectId: string, roundId: string, responseId: string, body: Triage) =>
    callApi(feedback.triageResponse, { params: { id: projectId, roundId, responseId }, body }),
  publishSummary: (projectId: string, roundId: string, category: SummaryPostCategory) =>
    callApi(feedback.publishSummaryPost, { params: { id: projectId, roundId }, body: { category } }),
};

export const useRounds = (projectId: string) =>
  useQuery({
    queryKey: feedbackKeys.rounds(projectId),
    queryFn: () => callApi(feedback.listRounds, { params: { id: projectId } }),
    select: (data) => data.rounds,
  });

export const useRound = (projectId: string, roundId: string) =>
  useQuery({
    queryKey: feedbackKeys.round(projectId, roundId),
    queryFn: () => callApi(feedback.getRound, { params: { id: projectId, roundId } }),
  });

/** Staff: the answers as they arrive, so polled while the page is open. */
export const useResponses = (projectId: string, roundId: string) =>
  useQuery({
    queryKey: feedbackKeys.responses(projectId, roundId),
    queryFn: () => callApi(feedback.listResponses, { params: { id: projectId, roundId } }),
    select: (data) => data.responses,
    refetchInterval: 30_000,
  });

export const useRoundResults = (projectId: string, roundId: string) =>
  useQuery({
    queryKey: feedbackKeys.summary(projectId, roundId),
    queryFn: () => callApi(feedback.getRoundResults, { params: { id: projectId, roundId } }),
    refetchInterval: 30_000,
  });

/** After anything that changes a round or its answers: the round, its lists and its results. */
export function useRoundRefresh(projectId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: feedbackKeys.rounds(projectId) });
}
