/** Progress events every phase reports; the CLI prints them, the Action logs them. */
export interface ProgressReporter {
  phaseStarted(phase: string, detail?: string): void;
  phaseFinished(phase: string, outcome: 'ok' | 'failed' | 'skipped', detail?: string): void;
  info(message: string): void;
}

export const silentReporter: ProgressReporter = {
  phaseStarted() {},
  phaseFinished() {},
  info() {},
};
