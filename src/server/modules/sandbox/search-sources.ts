import { defineSearchKind } from "../../platform/search/engine.js";
import { findStudies, findVolunteers } from "./clinical/index.js";

// The development environment's studies and volunteers in the one search (clinical/search.ts).
defineSearchKind("study", findStudies);
defineSearchKind("volunteer", findVolunteers);
