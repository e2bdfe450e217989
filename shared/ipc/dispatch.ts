import { fail, ok, type HostErrorCode, type Result } from '../result';
import type { HostMethodName } from './channels';
import { hostMethods, type HostHandlers } from './contract';

/** An expected failure a handler reports to the renderer (anything else becomes 'internal'). */
export class HostFailure extends Error {
  constructor(
    readonly code: HostErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HostFailure';
  }
}

export function isHostMethodName(name: string): name is HostMethodName {
  return Object.hasOwn(hostMethods, name);
}

/**
 * Validates the input of one call, runs the handler and validates its output.
 * Shared by the Electron main process (behind the sender check) and the browser host.
 */
export async function dispatchHostCall(
  handlers: HostHandlers,
  method: string,
  rawInput: unknown,
  reportInternalError: (method: string, error: unknown) => void = () => {},
): Promise<Result<unknown>> {
  if (!isHostMethodName(method)) return fail('unknown-method', `No host method named ${method}`);
  const contract = hostMethods[method];
  const input = contract.input.safeParse(rawInput);
  if (!input.success) {
    const fields: Record<string, string> = {};
    for (const issue of input.error.issues) {
      const key = issue.path.join('.') || '(input)';
      fields[key] ??= issue.message.startsWith('errors.') ? issue.message : 'errors.invalid';
    }
    return fail('invalid-input', `Invalid input for ${method}`, fields);
  }
  try {
    // The handler's input type is the union of every method's input; the contract lookup above
    // guarantees this method's handler receives its own parsed input.
    const handler = handlers[method] as (input: unknown) => Promise<unknown>;
    const value: unknown = await handler(input.data);
    return ok(contract.output.parse(value));
  } catch (error) {
    if (error instanceof HostFailure) return fail(error.code, error.message, error.fields);
    reportInternalError(method, error);
    return fail('internal', `${method} failed unexpectedly`);
  }
}
