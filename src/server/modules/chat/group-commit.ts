/** One job's answer from a group write: its result, or the refusal that concerned it alone. */
export type Outcome<Result> = { ok: true; value: Result } | { ok: false; error: unknown };

/**
 * Writes concurrent jobs together: every job that arrives while a write is under way waits for it,
 * then all of them go in the next write, so a busy installation pays one transaction (one lock, one
 * COMMIT) for many jobs. There is no timer: a job arriving when nothing is being written goes at
 * once, alone. If writing a group fails, its jobs are written again one at a time, so the job at
 * fault gets its own error and the others land.
 */
export class GroupCommit<Job, Result> {
  private waiting: { job: Job; resolve: (result: Result) => void; reject: (error: unknown) => void }[] = [];
  private writing = false;

  constructor(
    private readonly writeGroup: (jobs: Job[]) => Promise<Outcome<Result>[]>,
    private readonly writeOne: (job: Job) => Promise<Result>,
  ) {}

  write(job: Job): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ job, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) await this.writeNext(this.waiting.splice(0));
    this.writing = false;
  }

  private async writeNext(group: GroupCommit<Job, Result>["waiting"]): Promise<void> {
    if (group.length > 1) {
      const outcomes = await this.writeGroup(group.map((entry) => entry.job)).catch(() => null);
      if (outcomes) {
        group.forEach((entry, index) => {
          const outcome = outcomes[index];
          if (outcome?.ok) entry.resolve(outcome.value);
          else entry.reject(outcome ? outcome.error : new Error("the group write gave no answer"));
        });
        return;
      }
      // The group rolled back as a whole; one at a time, each job meets only its own failure.
    }
    for (const entry of group) {
      try {
        entry.resolve(await this.writeOne(entry.job));
      } catch (error) {
        entry.reject(error);
      }
    }
  }
}
