/** src/triage's public entry: the case store (and, with the pipeline, the batch triage). */
export * from './store/index.js';
