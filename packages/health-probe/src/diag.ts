import { diag } from '@opentelemetry/api';

/** The component logger every health-probe file logs through (never `console`). */
export const logger = diag.createComponentLogger({ namespace: '@toolscope/health-probe' });
