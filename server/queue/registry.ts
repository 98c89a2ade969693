import type { AppContext } from '../context';

export interface JobInfo {
  id: number;
  attempt: number;
  maxAttempts: number;
}

export interface JobSpec<P = any> {
  handler: (ctx: AppContext, payload: P, job: JobInfo) => Promise<void>;
  /** total tries before the job is marked failed */
  maxAttempts?: number;
  /** wait before the next try; default exponential from 2 s, capped at 10 min */
  backoffMs?: (attempt: number) => number;
  /** a try that runs longer is abandoned and counted as failed */
  timeoutMs?: number;
}

export const defaultBackoff = (attempt: number) => Math.min(2000 * 2 ** (attempt - 1), 10 * 60 * 1000);

/**
 * Job handlers from a typed map. Registering a type twice is a boot error, and so is a job
 * type named by a schedule without a handler.
 */
export class JobRegistry {
  private readonly specs = new Map<string, JobSpec>();

  register(type: string, spec: JobSpec): this {
    if (this.specs.has(type)) throw new Error(`job type "${type}" registered twice`);
    this.specs.set(type, spec);
    return this;
  }

  registerAll(map: Record<string, JobSpec>): this {
    for (const [type, spec] of Object.entries(map)) this.register(type, spec);
    return this;
  }

  get(type: string): JobSpec | undefined {
    return this.specs.get(type);
  }

  require(type: string): JobSpec {
    const s = this.specs.get(type);
    if (!s) throw new Error(`no handler registered for job type "${type}"`);
    return s;
  }

  types(): string[] {
    return [...this.specs.keys()];
  }
}
