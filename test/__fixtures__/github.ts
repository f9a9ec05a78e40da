import { jest } from '@jest/globals';
import type * as github from '../../action/src/github.js';

export const runContext = jest.fn<typeof github.runContext>();
export const gitHubDeployments = jest.fn<typeof github.gitHubDeployments>();
