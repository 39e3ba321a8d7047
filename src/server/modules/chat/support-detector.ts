/**
 * "Chat is not support": does a chat message read like a support request?
 *
 * A transparent weighted-signal classifier. Every signal is a regular expression with a weight and a
 * comment saying why it is there; a message's score is the sum of the weights of the signals that fire
 * (each signal counts at most once), and `reasons` lists every one that did, so anyone can see why a
 * prompt to open a ticket appeared. Pure and without I/O; verdicts on short texts are remembered.
 *
 * How the text is read:
 * - Markdown block quotes (lines starting with `>`) are dropped entirely: they are someone else's
 *   words. The person quoting "the sandbox is down" to say "back up for us now" is not asking for help;
 *   the person who wrote it already got the prompt.
 * - Code (fenced blocks and inline `code`) is removed from the "prose" that the wording signals and
 *   every damper read, because pasted code and logs contain words like "fix", "thanks" or "free" that
 *   say nothing about the author's intent. The technical signals (stack frames, exception class names,
 *   errno codes, HTTP error statuses) read the full text, code included, because a pasted stack trace
 *   is the strongest sign of a support request there is.
 * - Negation: signals marked `negatable` ("error", "bug", "failed", "outage"...) do not count when a
 *   negator stands just before them in the same clause ("no errors so far", "zero downtime", "without
 *   a single failed record") or when they are compounded away ("error-free", "error rate").
 * - Contrast: when the message turns on "but"/"however"/"unfortunately"... and the part after the turn
 *   carries support evidence, dampers before the turn are ignored: "Thanks for the hotfix, but the
 *   export is still broken" is a support request despite the thanks.
 * - Boosters (regression words such as "since the update", "still", troubleshooting already tried)
 *   only add to a message that already has primary support evidence; on their own they mean nothing.
 *
 * The threshold was chosen on the labelled table in `support-detector.test.ts` (see there for the
 * measured precision and recall): 3 is one strong signal (something does not work, an HTTP 5xx, an
 * outage) or two weaker ones (an error plus urgency; a bug plus "anyone else seeing"). At 3 the table
 * has no false alarms; 2.5 would start prompting on jokes about outages, 3.5 loses real requests.
 *
 * Known limit: it reads wording, not meaning. A problem described without any trouble word ("showing
 * as unsigned", "garbled characters", "the page just reloads") scores nothing; the test table keeps such
 * messages, and they are what the reported recall misses. The prompt is a nudge, so missing one costs
 * little, while prompting on thanks or event chat would teach people to ignore it.
 */
import { BoundedCache } from "../../platform/bounded-cache.js";

export interface SupportDetection {
  /** True when `score` reaches {@link SUPPORT_THRESHOLD}. */
  supportLike: boolean;
  /** Sum of the weights of the signals that fired (dampers are negative). */
  score: number;
  /** One line per fired signal, e.g. `+3 something does not work ("can't log in")`. */
  reasons: string[];
}

/** Score at or above which a message reads like a support request (chosen from the labelled table). */
export const SUPPORT_THRESHOLD = 3;

/** Only the start of very long messages is read: a request states its problem early, and this bounds cost. */
const MAX_ANALYSED_CHARS = 5_000;

type Scope = "prose" | "full";

interface Signal {
  /** Human-readable name reported in `reasons`. */
  readonly label: string;
  /** Positive: evidence of a support request. Negative: a damper (evidence of ordinary chat). */
  readonly weight: number;
  /** Must carry the `g` flag (matches are walked to skip negated ones). */
  readonly pattern: RegExp;
  /** "prose": code and quotes removed. "full": quotes removed, code kept. */
  readonly scope: Scope;
  /** Ignore a match preceded by a negator in the same clause ("no errors"). */
  readonly negatable: boolean;
  /** Counts only when a primary (non-booster) support signal also fired. */
  readonly booster: boolean;
}

interface SignalOptions {
  scope?: Scope;
  negatable?: boolean;
  booster?: boolean;
}

function signal(label: string, weight: number, pattern: RegExp, options: SignalOptions = {}): Signal {
  if (!pattern.global) throw new Error(`support-detector: pattern for "${label}" needs the g flag`);
  return {
    label,
    weight,
    pattern,
    scope: options.scope ?? "prose",
    negatable: options.negatable ?? false,
    booster: options.booster ?? false,
  };
}

/** Verbs people use for the thing the product failed to do for them. */
const ACTIONS =
  "work|load|save|open|log ?in|sign ?in|sign|access|upload|download|export|import|submit|connect|print|" +
  "sync|send|start|display|show|update|refresh|register|respond|scan|find|see|randomi[sz]e|dispense|" +
  "complete|finish|create|edit|delete|add|get|receive|reset|unlock|generate|lock|close";

/** Support evidence. Weights: 3 = enough on its own; 2-2.5 = strong but needs company; 1-1.5 = weak. */
const SUPPORT_SIGNALS: readonly Signal[] = [
  // A pasted stack frame (JavaScript, Java/.NET or Python) only appears when something blew up.
  signal(
    "stack trace",
    3,
    /^\s*at\s+[\w$.<>[\]]+\s*\(?[^\n)]*:\d+(?::\d+)?\)?\s*$|Traceback \(most recent call last\)|^\s*File "[^"]+", line \d+/gm,
    { scope: "full" },
  ),
  // Exception and error class names (TypeError, NullReferenceException...) are copied from an error.
  signal("exception class name", 3, /\b[A-Z][A-Za-z]+(?:Exception|Error)\b/g, { scope: "full" }),
  // Node/OS errno codes show up when an integration cannot reach us.
  signal(
    "system error code",
    3,
    /\bE(?:CONNREFUSED|CONNRESET|TIMEDOUT|NOTFOUND|ACCES|PIPE|HOSTUNREACH|ADDRINUSE)\b/g,
    {
      scope: "full",
    },
  ),
  // An HTTP error status said in the context of getting it back ("gives 500", "502 Bad Gateway"); the
  // context keeps "500 volunteers" or "a 500 ml bag" out.
  signal(
    "HTTP error status",
    3,
    /\b(?:http|status|error|code|gives?|giving|gave|got|gets|getting|returns?|returning|returned|throws?|throwing|shows?|showing)\s+(?:an?\s+|a\s+)?(?:5\d\d|40[013-9]|429)s?\b|\b(?:5\d\d|40[0134]|429)\s+(?:error|bad gateway|internal server|service unavailable|gateway time-?out|not found|forbidden|unauthori[sz]ed)\b|\b(?:5\d\d|4\d\d)s\b/gi,
    { scope: "full" },
  ),
  // An application error code quoted from a message box ("error code RND-4012", "code: 0x80004005").
  signal(
    "error code",
    2.5,
    /\berror\s*(?:code|no\.?|number|#)?\s*[:#]?\s*(?:[A-Z]{2,6}-?\d{2,}|0x[0-9a-f]+|\d{3,})\b/gi,
    {
      scope: "full",
    },
  ),
  // The word everyone uses. Not "error rate" (a metric) or "error-free"; negatable ("no errors").
  signal("error", 2, /\berrors?\b(?!\s*-?\s*(?:rates?|free|budget)\b)/gi, { negatable: true }),
  // "exception" as a noun, but not "with the exception of".
  signal("exception", 2, /(?<!the\s)\bexceptions?\b(?!\s+of\b)/gi, { negatable: true }),
  // Something broke. Not "broke my own record", "breaking news".
  signal(
    "broken",
    2.5,
    /\b(?:broken|broke|breaks|breaking)\b(?!\s+(?:news|my|our|the|a|every)\s+(?:own\s+)?record)(?!\s+news\b)/gi,
    { negatable: true },
  ),
  // The product failed to do what the person tried: the core of most support requests.
  signal(
    "something does not work",
    3,
    new RegExp(
      String.raw`\b(?:can't|cant|can not|cannot|couldn't|could not|won't|wont|doesn't|does not|don't|do not|didn't|did not|isn't|is not|aren't|are not|unable to|impossible to)\s+(?:\w+\s+)?(?:${ACTIONS})\b(?!\s+(?:why|the point|a reason|the need)\b)`,
      "gi",
    ),
  ),
  // "not working", "stopped working", "no longer loads": the phrase from the brief.
  signal(
    "not working",
    3,
    /\b(?:not|isn't|aren't|stopped|no longer|never)\s+(?:\w+\s+)?(?:working|works|loading|loads|responding|saving|saves|syncing|syncs|showing|updating|printing|opening)\b/gi,
  ),
  // Bare "can't"/"unable" is weaker evidence; the joyful idioms are excluded here and damped below.
  signal(
    "can't",
    1,
    /\b(?:can't|cant|cannot|can not|unable to|couldn't)\b(?!\s+(?:wait|believe|thank|complain|recommend|stop|imagine|praise|agree|say enough)\b)/gi,
  ),
  // Failure words, negatable ("without a single failed record").
  signal("failure", 2, /\b(?:fails?|failed|failing|failures?)\b/gi, { negatable: true }),
  // Crashes; not a "crash course".
  signal("crash", 2.5, /\bcrash(?:es|ed|ing)?\b(?!\s+course)/gi, { negatable: true }),
  // Outages: "the sandbox is down", "down again", "outage", "downtime". Not "went down well", "scroll down".
  signal(
    "outage / down",
    3,
    /\b(?:is|are|was|were|'s|seems?|looks?|went|goes|go|been|be)\s+(?:\w+\s+)?down\b(?!\s+(?:well|to|the)\b)|\bdown\s+(?:again|for (?:everyone|us|me|anyone|hours?|an hour)|right now|since)\b|\b(?:outages?|downtime)\b/gi,
    { negatable: true },
  ),
  // Timeouts are how an outage or an overload looks from the browser or an integration.
  signal("timeout", 2.5, /\b(?:timeouts?|time-?outs?|timed[- ]?out|times out|timing out)\b/gi, {
    negatable: true,
  }),
  // Something never finishes: a stuck import, a frozen screen, a spinner.
  signal(
    "stuck / hanging",
    2,
    /\b(?:stuck|hangs|hanging|hung|frozen|freezes|freezing|spins|spinning|spinner|loading forever|never (?:loads|finishes|completes|arrives))\b/gi,
  ),
  // Slowness bad enough to mention.
  signal(
    "very slow",
    2,
    /\b(?:(?:very|really|so|extremely|super|painfully|unusably|incredibly)\s+slow|slow(?:ness)?\s+(?:today|again|since)|takes?\s+(?:ages|forever|\d+\s*(?:s|secs?|seconds|minutes?|mins?))\s+to)\b/gi,
  ),
  // Urgency is how people signal that something is blocking their work.
  signal(
    "urgency",
    2,
    /\b(?:urgent(?:ly)?|asap|a\.s\.a\.p|blocker|blocking us|emergency|p1|sev ?1|showstopper|critical issue)\b/gi,
  ),
  // "bug" (not "bug fixes", "bug-free"), "glitch", "regression"; negatable ("no bugs").
  signal("bug", 1.5, /\b(?:bugs?|glitch(?:es|y)?|regression)\b(?!\s*-?\s*(?:fix\w*|free)\b)/gi, {
    negatable: true,
  }),
  // "Is this a known issue?" asks staff to confirm a defect.
  signal(
    "known issue?",
    1.5,
    /\b(?:known (?:bug|issue|problem)|(?:is|was) (?:this|that|it) (?:a bug|expected|intended))\b/gi,
  ),
  // Problem nouns; negatable ("no problems so far").
  signal("problem / issue", 1.5, /\b(?:problems?|issues?|trouble)\b/gi, { negatable: true }),
  // Data that is wrong, missing or gone: in a clinical system, a support matter by definition.
  signal(
    "data wrong or missing",
    2,
    /\b(?:is|are|went|goes|shows?|showing|comes up|came up|looks?)\s+(?:\w+\s+)?(?:missing|wrong|incorrect|empty|blank|gone|off by)\b|\b(?:disappeared|vanished|nothing happens|blank (?:white )?(?:page|screen)|white screen|(?:the )?wrong (?:dose|weight|date|time|value|number|volunteer|kit|cohort|result|site|study)s?|something(?:'s| is) (?:wrong|off|not right)|lost (?:the|our|all|some|\d+) (?:\w+\s+){0,2}(?:data|records?|timepoints?|entries|changes|results|visits?))\b/gi,
  ),
  // Access and account trouble: in a clinical system only staff can sort out permissions and accounts.
  signal(
    "access / account trouble",
    3,
    /\b(?:reset (?:my|our|the|his|her|their) password|locked out|logged out|logs? (?:me|us) out|logging (?:me|us) out|kicked out|unlock (?:my|our|the|his|her) account|access denied|permission denied|forbidden|unauthori[sz]ed|(?:don't|do not|doesn't|does not) have (?:access|permission)|(?:no|lost) access|resend (?:the |my |an |his |her )?invit\w*|(?:didn't|did not|never) (?:get|receive|got) (?:the |an |my |his |her |any )?(?:invit\w*|e-?mails?|reset|link))\b/gi,
  ),
  // Calls for help. "happy to help" or "helpful" are not.
  signal(
    "asks for help",
    2.5,
    /(?:^|[^\w])help\s*!|\b(?:please help|pls help|plz help|need(?:s|ed)? (?:some |urgent |your )?help|help needed|(?:can|could|would) (?:someone|anyone|somebody|anybody|you) (?:please )?help|who can help|any help)\b/gi,
  ),
  // Asking how to fix or undo something, or for a workaround.
  signal(
    "how do I fix",
    2.5,
    /\b(?:how (?:do|can|should|would) (?:i|we|you) (?:fix|resolve|solve|get rid of|get around|work around|recover|undo|unlock|restore|revert|stop)|how to (?:fix|resolve|solve|undo|recover|restore)|what (?:am i|are we) doing wrong|is there a (?:way|fix|workaround) to (?:undo|recover|fix|unlock|restore|revert|get)|any workaround|workaround for)\b/gi,
  ),
  // A how-to question about using the product: weak alone, but it adds up with a staff address.
  signal("how-to question", 1.5, /\bhow (?:do|can|should) (?:i|we)\b[^?\n]*\?/gi),
  // "Is it just me?": checking whether an outage or bug is general.
  signal(
    "is it just me / anyone else",
    2.5,
    /\b(?:is it just (?:me|us)|am i the only one|are we the only ones|(?:anyone|anybody|someone|somebody) else (?:seeing|getting|having|experiencing|noticing|noticed|hit|hitting|seen|had|run into|running into)|same (?:problem|issue|error|thing happening))\b/gi,
  ),
  // A "why does it..." question is asking for a diagnosis.
  signal(
    "why question",
    2,
    /\b(?:any idea(?:s)? why|(?:does |do )?(?:anyone|anybody|someone) know (?:why|what (?:this|the) error)|why (?:does|is|do|did|are|would|won't|can't|isn't|doesn't|aren't|am i|are we)\b[^?\n]*\?)/gi,
  ),
  // Addressed to staff: an @team mention or "anyone from the product team". Weak alone ("@product-team
  // when is 26.4 out?" is not a ticket), but together with any problem it is a question aimed at staff.
  signal(
    "addressed to staff",
    2,
    /(?:^|[^\w@])@(?:product[-_ ]?team|support|staff|admins?|convene(?:[-_ ]?team)?|devs?|developers)\b|\b(?:anyone|someone|somebody|anybody|people) (?:from|on|in|at) (?:the )?(?:product|support|dev(?:elopment)?|convene|engineering)(?: team)?\b|\b(?:hi|hey|hello|dear) (?:support|product team|convene team|convene)\b|\bsupport team\b/gi,
  ),
  // Boosters: they only count next to a primary signal.
  // Regression markers: something changed ("since the update", "still", "again", "anymore").
  signal(
    "regression / persistence",
    1,
    /\b(?:since (?:the |this |our )?(?:update|upgrade|release|hotfix|deploy\w*|morning|yesterday|last night|\d[\d.:]*)|after (?:the |our )?(?:update|upgrade|release|hotfix|\d+\.\d+)|anymore|any more|still|again|every time|keeps?)\b/gi,
    { booster: true },
  ),
  // Troubleshooting already tried and environment details are what a bug report looks like.
  signal(
    "troubleshooting details",
    1,
    /\b(?:tried (?:clearing|restarting|another|a different|logging|reinstalling|again)|cleared (?:the |my )?cache|hard refresh|different browser|incognito|(?:chrome|firefox|edge|safari) \d+|on safari|in safari|steps to reproduce|repro(?:duce)?s?)\b/gi,
    { booster: true },
  ),
  // Naming a part of the product says the trouble is with Convene, not the office printer or the coffee machine.
  signal(
    "names a part of the product",
    1,
    /\b(?:sandbox|stud(?:y|ies)|volunteers?|pharmacy|dispensing|schedul\w*|cohorts?|ecrf|reports?|report builder|import|export|page|screen|module|api|integration|labels?|randomi[sz]ation|audit trail|consent|log ?in|dashboard|convene)\b/gi,
    { booster: true },
  ),
  // "Thanks in advance" closes a request, not a conversation.
  signal("thanks in advance", 1, /\b(?:thanks in advance|thank you in advance|tia)\b/gi, { booster: true }),
];

/** Dampers: evidence that the message is ordinary community chat. */
const DAMPERS: readonly Signal[] = [
  // Gratitude (but not "thanks in advance", which closes a request).
  signal(
    "thanks",
    -2,
    /\b(?:thanks|thank you|thx|cheers|kudos|much appreciated|grateful)\b(?!\s+in advance)|\bty\b|🙏/gi,
  ),
  // Congratulations and praise for a release or the team.
  signal(
    "praise / congratulations",
    -2,
    /\b(?:congrat\w*|great (?:work|job|release|stuff|update)|well done|nice work|good job|amazing|awesome|brilliant|fantastic|lovely|love (?:the|it|this|how)|loving|loved|impressive|shout-?out)\b|🎉|👏|💪|🙌|❤️|🚀/gi,
  ),
  // The problem is over: resolved, fixed, or never was ("my bad", "false alarm").
  signal(
    "resolved",
    -3,
    /\b(?:fixed now|(?:is|are|was|got|been|has been|have been) (?:now )?(?:fixed|resolved|sorted)|works now|working (?:again|now)|back (?:up|online|to normal)|all good(?: now)?|never ?mind|nvm|figured it out|my (?:bad|mistake)|false alarm|did the trick|no longer (?:happens|occurs|an issue|a problem|see|seeing|get|getting|crash\w*|fail\w*|throws?|duplicates?)|can confirm (?:it|this) (?:works|is fixed)|works (?:perfectly|great|fine|well|like a charm)|resolved)\b/gi,
  ),
  // Explicit absence of trouble.
  signal(
    "no problems",
    -2,
    /\b(?:no|zero|without(?: any)?|not a single)\s+(?:\w+\s+)?(?:problems?|issues?|errors?(?!\s+(?:message|shown|displayed|popup|dialog))|bugs?|complaints|downtime|hiccups?|incidents?|failures?|crash\w*)\b|\bso far so good\b|\bsmooth(?:ly)?\b|\brock[- ]solid\b|\bflawless(?:ly)?\b|\b(?:error|bug|crash)[- ]free\b/gi,
  ),
  // Jokes are rarely tickets ("my coffee machine is down, the real outage 😂").
  signal("joke", -1.5, /\b(?:lol|lmao|rofl|haha\w*|jk|just kidding|joking)\b|😂|🤣|😄|😅|😆|:joy:/gi),
  // Events and social chat.
  signal(
    "event / social chat",
    -1.5,
    /\b(?:webinar|meet-?ups?|conference|summit|user group|booth|keynote|agenda|dinner|drinks|lunch|see you (?:there|at|in|all)|slides|recordings?|DIA|ACRP|weekend|happy (?:friday|monday|holidays|new year)|welcome (?:to|aboard))\b|👋/gi,
  ),
  // Opinions about the product are feedback, not a request.
  signal(
    "opinion",
    -1,
    /\b(?:i think|imo|imho|in my opinion|personally|i prefer|i'd rather|i feel like|not a fan|my two cents|should be (?:opt-in|optional|configurable))\b/gi,
  ),
  // Feature ideas belong on the ideas board, not the desk.
  signal(
    "feature idea",
    -2,
    /\b(?:it would be (?:nice|great|good|cool|helpful) if|would be (?:nice|great|good|cool|helpful) (?:if|to)|it'd be (?:nice|great|cool|good|helpful)|would love (?:to see|it if|a)|feature (?:idea|request|suggestion)|idea:|suggestion:|wish ?list|could we (?:have|get)|in a future release|on the roadmap)/gi,
  ),
  // Excitement idioms that contain "can't".
  signal(
    "excitement",
    -1.5,
    /\b(?:can't|cannot|can not) (?:wait|believe how|thank|recommend|complain)\b|\blooking forward\b|\bexcited\b/gi,
  ),
  // Planned maintenance is announced, not reported.
  signal(
    "planned maintenance",
    -2,
    /\b(?:scheduled|planned) (?:maintenance|downtime)\b|\bmaintenance window\b|\bas announced\b/gi,
  ),
  // Tips share knowledge rather than ask for it.
  signal("tip", -1.5, /\b(?:pro tip|tip:|til\b|today i learned)/gi),
];

/** A negator just before a negatable signal, in the same clause: "no errors", "without a single failed". */
const NEGATED_BEFORE =
  /\b(?:no|zero|without|never|none of the|not a|not one|not any|free of|fewer|less|haven't (?:seen|had|hit|got)|hasn't (?:had|thrown|shown)|didn't (?:see|get|hit)|did not (?:see|get|hit))\s+(?:[\w-]+\s+){0,2}$/i;

/** Words on which a message turns ("Thanks for the fix, but..."). */
const CONTRAST = /\b(?:but|however|unfortunately|although|though|except)\b/gi;

const FENCED_CODE = /```[\s\S]*?(?:```|$)|~~~[\s\S]*?(?:~~~|$)/g;
const INLINE_CODE = /`[^`\n]*`/g;

interface Views {
  /** Quotes removed; code kept. */
  full: string;
  /** Quotes and code removed. */
  prose: string;
}

function views(text: string): Views {
  const normalised = text.slice(0, MAX_ANALYSED_CHARS).replace(/[’‘]/g, "'");
  const full = normalised
    .split("\n")
    .filter((line) => !/^\s*>/.test(line))
    .join("\n");
  const prose = full.replace(FENCED_CODE, " ").replace(INLINE_CODE, " ");
  return { full, prose };
}

function isNegated(text: string, index: number): boolean {
  const before = text.slice(Math.max(0, index - 48), index);
  const clause = before.split(/[.;:!?,\n]/).pop() ?? "";
  return NEGATED_BEFORE.test(clause);
}

/** The first match of a signal that is not negated, or undefined. */
function evidence(s: Signal, text: string): string | undefined {
  for (const match of text.matchAll(s.pattern)) {
    if (s.negatable && isNegated(text, match.index)) continue;
    return match[0].trim();
  }
  return undefined;
}

function reasonFor(s: Signal, found: string): string {
  const sign = s.weight > 0 ? "+" : "";
  const quoted = found.length > 60 ? `${found.slice(0, 57)}...` : found;
  return `${sign}${s.weight} ${s.label} ("${quoted.replace(/\s+/g, " ")}")`;
}

/** The part of the prose after its last contrast word, or undefined when there is none. */
function afterLastContrast(prose: string): string | undefined {
  let last: number | undefined;
  for (const match of prose.matchAll(CONTRAST)) last = match.index + match[0].length;
  return last === undefined ? undefined : prose.slice(last);
}

function firedPrimaries(text: string): boolean {
  return SUPPORT_SIGNALS.some((s) => !s.booster && s.scope === "prose" && evidence(s, text) !== undefined);
}

/**
 * The verdict alone, as every message view carries it: remembered for short texts, since each channel
 * read asks again about the same fifty bodies.
 */
export function readsLikeSupportRequest(text: string): boolean {
  return verdicts.get(text, () => detectSupportRequest(text).supportLike);
}

const verdicts = new BoundedCache<boolean>(2_000, 2_000);

/** Does this chat message read like a support request? Pure: same text, same answer. */
export function detectSupportRequest(text: string): SupportDetection {
  const { full, prose } = views(text);
  if (prose.trim() === "" && full.trim() === "") return { supportLike: false, score: 0, reasons: [] };

  let score = 0;
  const reasons: string[] = [];
  let primaryFired = false;
  const boosters: Array<{ s: Signal; found: string }> = [];

  for (const s of SUPPORT_SIGNALS) {
    const found = evidence(s, s.scope === "full" ? full : prose);
    if (found === undefined) continue;
    if (s.booster) {
      boosters.push({ s, found });
      continue;
    }
    primaryFired = true;
    score += s.weight;
    reasons.push(reasonFor(s, found));
  }
  if (primaryFired) {
    for (const { s, found } of boosters) {
      score += s.weight;
      reasons.push(reasonFor(s, found));
    }
  }

  // Dampers read the prose, or only its tail when the message turns to a problem after "but".
  let damperText = prose;
  const tail = afterLastContrast(prose);
  if (tail !== undefined && firedPrimaries(tail)) {
    damperText = tail;
    reasons.push("dampers before the last 'but/however' ignored: the message turns to a problem");
  }
  for (const s of DAMPERS) {
    const found = evidence(s, damperText);
    if (found === undefined) continue;
    score += s.weight;
    reasons.push(reasonFor(s, found));
  }

  score = Math.round(score * 10) / 10;
  return { supportLike: score >= SUPPORT_THRESHOLD, score, reasons };
}
