// Error classes. `shortMessage` is the one line the CLI prints on stderr; `message` may add
// detail (a log tail); `cause` keeps the original error. The CLI maps classes to exit codes.

export interface LabErrorOptions {
  detail?: string;
  cause?: unknown;
}

export class LabError extends Error {
  readonly shortMessage: string;
  readonly detail: string | undefined;
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number = 1;

  constructor(shortMessage: string, options: LabErrorOptions = {}) {
    super(options.detail ? `${shortMessage}\n${options.detail}` : shortMessage, { cause: options.cause });
    this.name = new.target.name;
    this.shortMessage = shortMessage;
    this.detail = options.detail;
  }
}

/** Bad flags, bad config fields, unknown prompt set: nothing was started. CLI exit 2. */
export class UsageError extends LabError {
  override readonly exitCode = 2;
}

/** A config file that fails validation; the message names the field path. CLI exit 2. */
export class ConfigError extends UsageError {}

/** The server cannot be used at all: unreachable, model not served. CLI exit 1. */
export class ServerUnusableError extends LabError {}

/** A server failed to start (exited, timed out, preflight refused). CLI exit 1. */
export class ServerStartError extends LabError {
  readonly reason: string;
  constructor(reason: string, shortMessage: string, options: LabErrorOptions = {}) {
    super(shortMessage, options);
    this.reason = reason;
  }
}

/** Preflight refused a configuration before anything was spawned; lists every reason. CLI exit 1. */
export class PreflightError extends LabError {
  readonly reasons: string[];
  constructor(reasons: string[], options: LabErrorOptions = {}) {
    super(reasons.length === 1 ? `preflight: ${reasons[0]}` : `preflight refused ${reasons.length} things: ${reasons.join("; ")}`, options);
    this.reasons = reasons;
  }
}

/** A failure from the HTTP API (the server's own message is kept). */
export class ApiError extends LabError {
  readonly status: number | null;
  readonly type: string | null;
  constructor(status: number | null, type: string | null, message: string, options: LabErrorOptions = {}) {
    super(message, options);
    this.status = status;
    this.type = type;
  }
}

export function isLabError(err: unknown): err is LabError {
  return err instanceof LabError;
}

/** The one line to show for any thrown value. */
export function oneLine(err: unknown): string {
  if (err instanceof LabError) return err.shortMessage;
  if (err instanceof Error) return err.message.split("\n")[0] ?? String(err);
  return String(err);
}
