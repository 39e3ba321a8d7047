// What other modules may use of projects: service functions only, never its tables.

export {
  type ImportedComment,
  type ImportedDocument,
  type ImportedFile,
  type ImportedParticipant,
  type ImportedPost,
  type ImportedProject,
  type ImportedProjectItems,
  type ImportedProjectResult,
  writeImportedProject,
} from "./import-writer.js";
export {
  allFeedbackRoundRefs,
  type FeedbackRoundRef,
  feedbackRoundRefs,
  mayOpenFeedbackRound,
} from "./round-refs.js";
