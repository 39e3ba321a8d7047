import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto";
import { isoBase64URL, isoCBOR } from "@simplewebauthn/server/helpers";
import type {
  AuthenticationResponse,
  CreationOptions,
  RegistrationResponse,
  RequestOptions,
} from "../modules/accounts/contracts/passkeys.js";

const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest();
const b64 = (bytes: Uint8Array) => isoBase64URL.fromBuffer(new Uint8Array(bytes));

// Authenticator data flags (WebAuthn §6.1): user present, user verified, attested credential data.
const USER_PRESENT = 0x01;
const USER_VERIFIED = 0x04;
const ATTESTED = 0x40;

/**
 * A software passkey for the server's tests: a real P-256 key answering WebAuthn ceremonies the way a
 * platform authenticator does ("none" attestation, ES256 signatures over authenticator data and the
 * client data), so the server's verification runs on genuine answers without a browser. The browser
 * specs use Chromium's virtual authenticator instead.
 */
export class SoftwarePasskey {
  readonly credentialId = b64(randomBytes(16));
  private readonly keys: { publicKey: KeyObject; privateKey: KeyObject } = generateKeyPairSync("ec", {
    namedCurve: "P-256",
  });
  private userHandle: string | undefined;
  /** The signature counter the next answer carries (after incrementing), as an authenticator keeps it. */
  counter = 0;

  constructor(private readonly origin: string) {}

  private cosePublicKey(): Uint8Array {
    const jwk = this.keys.publicKey.export({ format: "jwk" });
    return isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, isoBase64URL.toBuffer(jwk.x ?? "")],
        [-3, isoBase64URL.toBuffer(jwk.y ?? "")],
      ]),
    );
  }

  private authenticatorData(rpId: string, flags: number, attested: boolean): Buffer {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    const parts = [sha256(rpId), Buffer.from([flags]), counter];
    if (attested) {
      const id = isoBase64URL.toBuffer(this.credentialId);
      const length = Buffer.alloc(2);
      length.writeUInt16BE(id.length);
      parts.push(Buffer.alloc(16), length, Buffer.from(id), Buffer.from(this.cosePublicKey()));
    }
    return Buffer.concat(parts);
  }

  private clientData(type: "webauthn.create" | "webauthn.get", challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** Answers navigator.credentials.create's options, as the browser would hand them to the server. */
  register(options: CreationOptions, answer: { origin?: string } = {}): RegistrationResponse {
    this.userHandle = options.user.id;
    const rpId = options.rp.id ?? new URL(this.origin).hostname;
    const authData = this.authenticatorData(rpId, USER_PRESENT | USER_VERIFIED | ATTESTED, true);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Uint8Array | Map<string, string>>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", new Uint8Array(authData)],
      ]),
    );
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      response: {
        clientDataJSON: b64(
          this.clientData("webauthn.create", options.challenge, answer.origin ?? this.origin),
        ),
        attestationObject: b64(attestationObject),
        transports: ["internal"],
      },
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
      type: "public-key",
    };
  }

  /**
   * Answers navigator.credentials.get's options. `verified: false` leaves out user verification (a
   * touch without PIN or biometrics); `counter` overrides the next count, as a cloned key would.
   */
  assert(
    options: RequestOptions,
    answer: { origin?: string; verified?: boolean; counter?: number } = {},
  ): AuthenticationResponse {
    this.counter = answer.counter ?? this.counter + 1;
    const rpId = options.rpId ?? new URL(this.origin).hostname;
    const flags = USER_PRESENT | (answer.verified === false ? 0 : USER_VERIFIED);
    const authData = this.authenticatorData(rpId, flags, false);
    const clientDataJSON = this.clientData("webauthn.get", options.challenge, answer.origin ?? this.origin);
    const signature = sign("sha256", Buffer.concat([authData, sha256(clientDataJSON)]), this.keys.privateKey);
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      response: {
        clientDataJSON: b64(clientDataJSON),
        authenticatorData: b64(authData),
        signature: b64(signature),
        ...(this.userHandle ? { userHandle: this.userHandle } : {}),
      },
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
      type: "public-key",
    };
  }
}
