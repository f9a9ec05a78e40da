/**
 * The ports: one interface per outside system. Phases receive implementations through a context
 * object and never import an adapter; adapters live beside the phase folders (llm/, registry/,
 * deploy/, ledger/) and in bot/ and action/.
 */
export * from './deploy.js';
export * from './forge.js';
export * from './ledger.js';
export * from './llm.js';
export * from './progress.js';
export * from './registry.js';
export * from './workspace.js';
