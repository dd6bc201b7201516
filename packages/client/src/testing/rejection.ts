// For tests: the ScwsError a promise rejects with, failing the test when it resolves or rejects with anything else.
import { ScwsError } from "@open-scws/errors";
import { expect } from "vitest";

/** Awaits the promise's rejection and checks that it is a ScwsError. */
export async function rejection(promise: Promise<unknown>): Promise<ScwsError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ScwsError);
  return error as ScwsError;
}
