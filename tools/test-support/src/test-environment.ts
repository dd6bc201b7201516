// Creates environments for tests through the real challenge flow: the test application's back end is this
// process, which signs the challenge with the application's Ed25519 key.
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import type { ApplicationConfig } from "@open-scws/server";
import type { paths } from "@open-scws/spec";
import type { Client } from "openapi-fetch";

/** A registered application whose private key the test holds. */
export interface TestApplication {
  readonly config: ApplicationConfig;
  readonly privateKey: KeyObject;
}

/** A new application, registered for an origin, with a fresh Ed25519 key pair; `confirmFinalTry` opts it in to confirming the last PIN try. */
export function testApplication(id = "tests", origins: readonly string[] = ["http://127.0.0.1:1"], confirmFinalTry = false): TestApplication {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const spki = publicKey.export({ type: "spki", format: "pem" }) as string;
  return { privateKey, config: { id, origins: [...origins], publicKey: spki, trustOrigin: false, confirmFinalTry } };
}

/** Signs a challenge's message as the application's back end would. */
export function signChallenge(application: TestApplication, message: string): string {
  return sign(null, Buffer.from(message, "utf8"), application.privateKey).toString("hex");
}

/** Creates an environment for the application and returns its credential. */
export async function createEnvironment(client: Client<paths>, application: TestApplication): Promise<string> {
  const challenge = await client.POST("/v1/environments/challenges", { body: { applicationId: application.config.id } });
  if (!challenge.data) throw new Error(`no challenge: ${JSON.stringify(challenge.error)}`);
  const environment = await client.POST("/v1/environments", {
    body: { challengeId: challenge.data.challengeId, signature: signChallenge(application, challenge.data.message) },
  });
  if (!environment.data?.credential) throw new Error(`no environment: ${JSON.stringify(environment.error)}`);
  return environment.data.credential;
}
