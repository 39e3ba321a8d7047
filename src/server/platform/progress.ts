/** Values shown after the count: the step under way ("volunteers"), a file name. */
export type ProgressPayload = Record<string, string>;

export type Progress = {
  update: (done: number, total: number, payload: ProgressPayload) => void;
  stop: () => void;
};

/** Lines for a log or CI console: at most this often, besides every change of step. */
const LOG_INTERVAL_MS = 500;

/**
 * Progress of long CLI work on stderr. On a terminal a bar redraws in place. In a log file or a CI
 * console a line is written when the step changes and at most every half second otherwise, at the
 * moment the work reports it (a timer would wait behind work that keeps the event loop busy).
 * `label` leads the line; `payload` keys are written after the count in the order given.
 */
export async function startProgress(label: string, payload: ProgressPayload): Promise<Progress> {
  const keys = Object.keys(payload);
  if (process.stderr.isTTY) {
    // Loaded here, by a command at a terminal: a server never draws a bar.
    const { SingleBar } = await import("cli-progress");
    const bar = new SingleBar({
      format: `${label} [{bar}] {value}/{total} ${keys.map((key) => `{${key}}`).join(" ")}`,
      hideCursor: true,
    });
    bar.start(1, 0, payload);
    return {
      update: (done, total, next) => {
        bar.setTotal(Math.max(total, 1));
        bar.update(done, next);
      },
      stop: () => bar.stop(),
    };
  }
  let last = { line: "", words: "", at: 0 };
  const write = (done: number, total: number, next: ProgressPayload, force: boolean) => {
    const words = keys.map((key) => next[key] ?? "").join(" ");
    const line = `${label} ${done}/${total} ${words}`.trimEnd();
    const now = Date.now();
    if (line === last.line) return;
    if (!force && words === last.words && now - last.at < LOG_INTERVAL_MS) return;
    process.stderr.write(`${line}\n`);
    last = { line, words, at: now };
  };
  write(0, 0, payload, true);
  let latest = { done: 0, total: 0, payload };
  return {
    update: (done, total, next) => {
      latest = { done, total, payload: next };
      write(done, total, next, false);
    },
    stop: () => write(latest.done, latest.total, latest.payload, true),
  };
}
