/**
 * How LangChain's and LangGraph's thrown values map onto toolscope's outcomes: which are not
 * failures at all, and which need their `error.type` from the class because their `name` says
 * only `Error`.
 */

/**
 * Whether `err` is one of LangGraph's bubble-up signals (`GraphInterrupt`, `NodeInterrupt`,
 * `ParentCommand`, `GraphDrained`): control flow that passes through a tool or a graph, never a
 * failure. The check is the one `isGraphBubbleUp` makes, so it holds for the ESM and the
 * CommonJS build alike.
 */
export function isBubbleUp(err: unknown): boolean {
  try {
    return (
      err !== null &&
      typeof err === 'object' &&
      (err as { is_bubble_up?: unknown }).is_bubble_up === true
    );
  } catch {
    return false;
  }
}

/**
 * The class name of a thrown value whose `name` is the generic `Error`, as LangChain's
 * `ToolInputParsingException` is (`name === 'Error'`); `undefined` when the core's rule
 * (`code || name`) already says more. LangGraph's own classes carry `unminifiable_name`, which
 * survives bundlers; it is preferred when present.
 *
 * @example frameworkErrorType(new ToolInputParsingException('bad')) === 'ToolInputParsingException'
 * @example frameworkErrorType(new TypeError('x')) === undefined // 'TypeError' from the core rule
 */
export function frameworkErrorType(err: unknown): string | undefined {
  try {
    if (err === null || typeof err !== 'object') return undefined;
    const { name, code } = err as { name?: unknown; code?: unknown };
    if (name !== 'Error' || (code !== undefined && code !== null && code !== '')) return undefined;
    const ctor = (err as { constructor?: unknown }).constructor as
      | { name?: unknown; unminifiable_name?: unknown }
      | undefined;
    const className = ctor?.unminifiable_name ?? ctor?.name;
    return typeof className === 'string' && className !== '' && className !== 'Error'
      ? className
      : undefined;
  } catch {
    return undefined;
  }
}
