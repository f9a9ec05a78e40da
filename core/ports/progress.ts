/** Progress events every phase reports; the CLI prints them, the Action logs them. */
export interface ProgressReporter {
  phaseStarted(phase: string, detail?: string): void;
  /**
   * `tookMs` is given when the phase's work was timed elsewhere (the health gate, timed by the deploy
   * target): a reporter shows it instead of the time since `phaseStarted`.
   */
  phaseFinished(phase: string, outcome: 'ok' | 'failed' | 'skipped', detail?: string, tookMs?: number): void;
  info(message: string): void;
}

export const silentReporter: ProgressReporter = {
  phaseStarted() {},
  phaseFinished() {},
  info() {},
};
