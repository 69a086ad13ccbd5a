/**
 * The methods of the SDK's `Client` and `Server` this package wraps, for both SDK lines, on a
 * class prototype (zero-code) or on one object (explicit):
 *
 * | concern                | 1.x (`@modelcontextprotocol/sdk`) | 2.x client            | 2.x server                    |
 * | ---------------------- | --------------------------------- | --------------------- | ----------------------------- |
 * | requests sent          | `request`                         | `request`             | `_requestWithSchemaViaCodec`  |
 * | notifications sent     | `notification`                    | `_notificationViaCodec` | `_notificationViaCodec`     |
 * | requests received      | `_onrequest`                      | `_onrequest`          | `_onrequest`                  |
 * | notifications received | `_onnotification`                 | `_onnotification`     | `_onnotification`             |
 * | session                | `connect`, `_onclose`             | the same              | the same                      |
 *
 * The 2.x funnels are where every send ends up, including the ones that bypass the public
 * methods (`ctx.mcpReq.send` / `notify` / `log` in a handler). The 2.x client keeps `request`:
 * its funnel also carries the retry legs of a multi-round-trip call, which belong to the
 * original request's span.
 */
import { createTracedDispatch } from './incoming.ts';
import type { PatchHooks, ProtocolLike, Role } from './internal-types.ts';
import { createTracedSend, type SendFn } from './outgoing.ts';
import { patchMethod, unpatchMethod } from './patch.ts';
import { createTracedConnect, createTracedOnClose } from './session.ts';

/** Every method name this package may wrap. */
const WRAPPED = [
  'request',
  '_requestWithSchemaViaCodec',
  'notification',
  '_notificationViaCodec',
  '_onrequest',
  '_onnotification',
  'connect',
  '_onclose',
] as const;

/** Whether `target` is of the 2.x line (its `Protocol` has the codec funnels). */
export function isSdk2(target: ProtocolLike): boolean {
  return typeof target._requestWithSchemaViaCodec === 'function';
}

/**
 * Wraps the methods of `target` (a `Client` or `Server` prototype or object, of `role`) that
 * are not wrapped yet. Idempotent.
 */
export function applyPatches(target: ProtocolLike, role: Role, hooks: PatchHooks): void {
  const v2 = isSdk2(target);
  const requestFn = v2 && role === 'server' ? '_requestWithSchemaViaCodec' : 'request';
  const notificationFn = v2 ? '_notificationViaCodec' : 'notification';
  patchMethod(target, requestFn, (o) =>
    createTracedSend(o as SendFn, hooks, role, requestFn === 'request' ? 0 : 1, true),
  );
  patchMethod(target, notificationFn, (o) =>
    createTracedSend(o as SendFn, hooks, role, v2 ? 1 : 0, false),
  );
  patchMethod(target, '_onrequest', (o) => createTracedDispatch(o, hooks, role, 'request'));
  patchMethod(target, '_onnotification', (o) =>
    createTracedDispatch(o, hooks, role, 'notification'),
  );
  patchMethod(target, 'connect', (o) => createTracedConnect(o, hooks, role));
  patchMethod(target, '_onclose', (o) => createTracedOnClose(o, hooks, role));
}

/** Undoes `applyPatches` on `target`. */
export function removePatches(target: ProtocolLike): void {
  for (const name of WRAPPED) unpatchMethod(target, name);
}
