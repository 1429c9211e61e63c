import { AppError } from './app-error';

/** A status or stop asked about a job id this export prefix has never seen. */
export class JobNotFoundError extends AppError {
  override name = 'JobNotFoundError' as const;
  constructor(jobId: string) {
    super({
      code: 'JOB_NOT_FOUND',
      status: 404,
      title: 'Unknown export job',
      detail: `No export job \`${jobId}\` exists under this export prefix; a job exists once a backfill with that jobId has started`,
    });
  }
}

/** A backfill reused a job id that belongs to another instance, range or format. */
export class JobConflictError extends AppError {
  override name = 'JobConflictError' as const;
  constructor(jobId: string, existing: string) {
    super({
      code: 'JOB_CONFLICT',
      status: 409,
      title: 'The job id belongs to another backfill',
      detail: `Job \`${jobId}\` already exports ${existing}; reuse a job id only to resume that same backfill, or pass a new one`,
    });
  }
}
