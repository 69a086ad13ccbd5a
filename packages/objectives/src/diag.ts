import { diag } from '@opentelemetry/api';

/** The component logger of this package. */
export const logger = diag.createComponentLogger({ namespace: '@toolscope/objectives' });
