import { createDecipheriv, createECDH, hkdfSync, randomBytes } from "node:crypto";
import { Agent, createServer } from "node:https";
import type { AddressInfo } from "node:net";

/**
 * A self-signed certificate for 127.0.0.1, for tests only: web-push speaks HTTPS alone, and the test
 * push service below presents it to the agent that trusts it.
 */
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/SdwHgA7/x8EmHcw
TjpRksDg4qFTovrAX2tTg1+N1uahRANCAARk+MKooVDVsCz5LxJsZCYH/ppTsSWf
khimKKkBzcRbHgGVZ+hZ0y3EgPJ2lsJ7AtNHS8XK8lttafnBFbxwWRbT
-----END PRIVATE KEY-----`;
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBrDCCAVGgAwIBAgIUb/vti6bNNjussRl8gYwSfUbEYxwwCgYIKoZIzj0EAwIw
HDEaMBgGA1UEAwwRcHVzaC1zZXJ2aWNlLnRlc3QwIBcNMjYxMjA1MDExOTA0WhgP
MjEyNjExMTEwMTE5MDRaMBwxGjAYBgNVBAMMEXB1c2gtc2VydmljZS50ZXN0MFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZPjCqKFQ1bAs+S8SbGQmB/6aU7Eln5IY
piipAc3EWx4BlWfoWdMtxIDydpbCewLTR0vFyvJbbWn5wRW8cFkW06NvMG0wHQYD
VR0OBBYEFGQ53WlcQTEtTi/drtZJxEDKs0G1MB8GA1UdIwQYMBaAFGQ53WlcQTEt
Ti/drtZJxEDKs0G1MA8GA1UdEwEB/wQFMAMBAf8wGgYDVR0RBBMwEYcEfwAAAYIJ
bG9jYWxob3N0MAoGCCqGSM49BAMCA0kAMEYCIQCOVvT4fVDitkT0QQmcTiaqLUlL
Fg708QdJGYi0ryzaBgIhAK1MhHjHs9ayp2gekuyN9vyxd5Y8HoQ0xYyPNQnhTUTI
-----END CERTIFICATE-----`;

export type ReceivedPush = {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  payload: unknown;
};

/** A browser's side of a subscription: the keys it made, so the test can read what it was sent. */
type TestBrowser = {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  decrypt: (body: Buffer) => unknown;
};

/**
 * A real push service for tests, over HTTPS on 127.0.0.1: Convene POSTs the encrypted message to a
 * subscription's endpoint as it would to a browser vendor's, and the test reads what arrived, decrypted
 * with the subscription's keys (RFC 8291, aes128gcm). An endpoint under /gone/ answers 410 like a
 * subscription the browser dropped; one under /broken/ answers 500.
 */
export async function startPushService() {
  const received: ReceivedPush[] = [];
  const browsers = new Map<string, TestBrowser>();
  const server = createServer({ key: TEST_KEY, cert: TEST_CERT }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = request.url ?? "";
      const status = path.startsWith("/gone/") ? 410 : path.startsWith("/broken/") ? 500 : 201;
      const browser = [...browsers.values()].find((b) => new URL(b.endpoint).pathname === path);
      if (status === 201)
        received.push({
          path,
          headers: request.headers,
          payload: browser ? browser.decrypt(Buffer.concat(chunks)) : null,
        });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    received,
    /** Trusts the test certificate; give it to the push sender. */
    agent: new Agent({ ca: TEST_CERT }),
    /** A new subscription, as a browser's pushManager would make: its endpoint (under `prefix`) and keys. */
    subscribe(prefix: "push" | "gone" | "broken" = "push"): TestBrowser {
      const ecdh = createECDH("prime256v1");
      const publicKey = ecdh.generateKeys();
      const auth = randomBytes(16);
      const endpoint = `https://127.0.0.1:${port}/${prefix}/${randomBytes(8).toString("hex")}`;
      const browser: TestBrowser = {
        endpoint,
        keys: { p256dh: publicKey.toString("base64url"), auth: auth.toString("base64url") },
        decrypt: (body) => {
          const salt = body.subarray(0, 16);
          const idLength = body.readUInt8(20);
          const serverKey = body.subarray(21, 21 + idLength);
          const record = body.subarray(21 + idLength);
          const shared = ecdh.computeSecret(serverKey);
          const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), publicKey, serverKey]);
          const ikm = Buffer.from(hkdfSync("sha256", shared, auth, keyInfo, 32));
          const key = Buffer.from(hkdfSync("sha256", ikm, salt, "Content-Encoding: aes128gcm\0", 16));
          const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, "Content-Encoding: nonce\0", 12));
          const decipher = createDecipheriv("aes-128-gcm", key, nonce);
          decipher.setAuthTag(record.subarray(record.length - 16));
          const padded = Buffer.concat([
            decipher.update(record.subarray(0, record.length - 16)),
            decipher.final(),
          ]);
          // The last record ends with the delimiter 2, then any zero padding.
          const end = padded.lastIndexOf(2);
          return JSON.parse(padded.subarray(0, end).toString("utf8"));
        },
      };
      browsers.set(endpoint, browser);
      return browser;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
