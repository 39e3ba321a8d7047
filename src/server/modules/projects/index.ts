// What other modules may use of projects: service functions only, never its tables.

export {
  allFeedbackRoundRefs,
  type FeedbackRoundRef,
  feedbackRoundRefs,
  mayOpenFeedbackRound,
} from "./round-refs.js";
