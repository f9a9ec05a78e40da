import { jest } from '@jest/globals';
import type * as specStep from '../../action/src/spec-step.js';

/** The `spec` command's adapter over the bot, mocked: main.ts's rendering of its result is under test. */
export const runSpecStep = jest.fn<typeof specStep.runSpecStep>();
