import { PUSH_ENDPOINT_MAX_LENGTH } from "../../../shared/contracts/notifications.js";

/** Whether this browser can take pushes at all. */
export const pushSupported = () =>
  "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

/** The registration of Convene's service worker, if this build has one (production builds do). */
export async function workerRegistration(): Promise<ServiceWorkerRegistration | undefined> {
  if (!("serviceWorker" in navigator)) return undefined;
  const registration = await navigator.serviceWorker.getRegistration("/");
  return registration ? navigator.serviceWorker.ready : undefined;
}

/** This browser's push subscription, if it has one. */
export async function pushSubscriptionHere(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null;
  const registration = await workerRegistration();
  return (await registration?.pushManager.getSubscription()) ?? null;
}

/**
 * What signing out tells the server of this browser's subscription, so it stops pushing here as the
 * session ends. An endpoint the contract would refuse was never subscribed, so there is nothing to
 * forget, and naming it would only make signing out fail.
 */
export async function signOutBody(): Promise<{ pushEndpoint?: string }> {
  const subscription = await pushSubscriptionHere().catch(() => null);
  const endpoint = subscription?.endpoint;
  const acceptable = endpoint?.startsWith("https://") && endpoint.length <= PUSH_ENDPOINT_MAX_LENGTH;
  return endpoint && acceptable ? { pushEndpoint: endpoint } : {};
}

/**
 * Drops this browser's push subscription once nobody is signed in here: after signing out, or when the
 * session ended elsewhere (expired, ended from another device). The push service then refuses what the
 * server still sends to it, and the server forgets the browser.
 */
export async function dropPushSubscriptionHere(): Promise<void> {
  const subscription = await pushSubscriptionHere().catch(() => null);
  await subscription?.unsubscribe().catch(() => false);
}
