import { createContextKey } from '@opentelemetry/api';

/** Context key of the active tool invocation. */
export const TOOL_KEY = createContextKey('toolscope.tool_invocation');
/** Context key of the active workflow run. */
export const WORKFLOW_KEY = createContextKey('toolscope.workflow_run');
/** Context key of the framework step in progress (`startFrameworkStep`), inside a workflow run. */
export const STEP_KEY = createContextKey('toolscope.framework_step');
