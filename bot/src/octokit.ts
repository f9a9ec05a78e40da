import { ProbotOctokit } from 'probot';

/** Probot's Octokit without its throttling: the bot's own pacer owns pacing and secondary limits. */
export const BotOctokit: typeof ProbotOctokit = ProbotOctokit.defaults({ throttle: { enabled: false } });
