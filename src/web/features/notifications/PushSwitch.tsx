import { Alert, Switch, Text } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { getPushKey, subscribePush, unsubscribePush } from "../../../shared/contracts/notifications.js";
import { callApi, isApiError } from "../../app/api.js";
import { notifyFailure, notifySuccess } from "../../app/notify.js";
import { Section } from "../../app/ui/Section.js";
import { pushSupported, workerRegistration } from "./push.js";

/** What this browser can do: push unsupported, blocked by the person, or on or off here. */
type PushState = "unsupported" | "no-worker" | "blocked" | "on" | "off";

const pushStateKey = ["push-subscription-of-this-browser"];

async function currentState(): Promise<PushState> {
  if (!pushSupported()) return "unsupported";
  if (Notification.permission === "denied") return "blocked";
  const registration = await workerRegistration();
  if (!registration) return "no-worker";
  return (await registration.pushManager.getSubscription()) ? "on" : "off";
}

const keyBytes = (base64url: string): Uint8Array<ArrayBuffer> => {
  const binary = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
};

const sameKey = (a: ArrayBuffer | null, b: Uint8Array) =>
  a !== null && a.byteLength === b.byteLength && new Uint8Array(a).every((byte, index) => byte === b[index]);

/** Asks permission, subscribes this browser with the instance's key, and tells the server. */
async function turnOn(): Promise<PushState> {
  const permission = await Notification.requestPermission();
  // Dismissing the browser's question leaves it to be asked again; only a refusal blocks.
  if (permission !== "granted") return permission === "denied" ? "blocked" : "off";
  const registration = await workerRegistration();
  if (!registration) return "no-worker";
  const { publicKey } = await callApi(getPushKey, {});
  const applicationServerKey = keyBytes(publicKey);
  const existing = await registration.pushManager.getSubscription();
  // A subscription made with an older key (the instance's key was replaced) cannot be reused.
  if (existing && !sameKey(existing.options.applicationServerKey, applicationServerKey))
    await existing.unsubscribe();
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey,
  });
  const { endpoint, keys } = subscription.toJSON();
  if (!endpoint || !keys?.p256dh || !keys.auth) throw new Error("This browser gave no push subscription.");
  await callApi(subscribePush, { body: { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } } });
  return "on";
}

/** Stops the server pushing here (already forgotten is fine), then drops the browser's subscription. */
async function turnOff(): Promise<PushState> {
  const registration = await workerRegistration();
  const subscription = await registration?.pushManager.getSubscription();
  if (subscription) {
    await callApi(unsubscribePush, { body: { endpoint: subscription.endpoint } }).catch((error: unknown) => {
      if (!isApiError(error, "not_found")) throw error;
    });
    await subscription.unsubscribe();
  }
  return "off";
}

const explanations: Partial<Record<PushState, string>> = {
  unsupported: "This browser cannot show notifications from Convene.",
  "no-worker":
    "Browser notifications need the installed app's service worker; reload the page and try again.",
  blocked:
    "This browser blocks notifications from Convene. Allow them in the site settings (the icon left of the address), then come back.",
};

/**
 * "Browser notifications": the kinds a person gets "E-mail at once" also pop up on this device, even
 * with Convene closed. Each browser is switched on its own; the switch reflects this one.
 */
export function PushSwitch() {
  const queryClient = useQueryClient();
  const state = useQuery({ queryKey: pushStateKey, queryFn: currentState });
  const change = useMutation({
    mutationFn: (on: boolean) => (on ? turnOn() : turnOff()),
    onSuccess: (next) => {
      queryClient.setQueryData(pushStateKey, next);
      if (next === "on") notifySuccess("This browser will show your at-once notifications.");
      if (next === "off") notifySuccess("No more notifications on this browser.");
    },
    onError: (error) => {
      notifyFailure(error.message);
      void queryClient.invalidateQueries({ queryKey: pushStateKey });
    },
  });
  const current = state.data;
  const explanation = current ? explanations[current] : undefined;
  return (
    <Section
      title="Browser notifications"
      description='What you chose to get "E-mail at once" also appears as a notification on this device, even when Convene is closed. Quiet hours apply.'
    >
      {explanation ? (
        <Alert color="gray">{explanation}</Alert>
      ) : (
        <Switch
          label="Show notifications on this browser"
          checked={current === "on"}
          disabled={current === undefined || change.isPending}
          onChange={(event) => change.mutate(event.currentTarget.checked)}
        />
      )}
      {current === "on" && (
        <Text size="sm" c="dimmed">
          Other browsers and devices are switched on separately.
        </Text>
      )}
    </Section>
  );
}
