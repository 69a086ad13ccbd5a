import { diag } from '@opentelemetry/api';
import { SCOPE_NAMES } from '@toolscope/instrumentation/internal';

/** This package's component logger (never `console`). */
export const logger = diag.createComponentLogger({ namespace: SCOPE_NAMES.aiSdk });
