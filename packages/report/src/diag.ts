import { diag } from '@opentelemetry/api';

/** The component logger of the report package. */
export const logger = diag.createComponentLogger({ namespace: '@toolscope/report' });
