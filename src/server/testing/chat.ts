import { actorOf } from "../modules/accounts/users.js";
import { addMember, createChannel } from "../modules/chat/channels.js";
import { actingAs } from "../platform/context.js";
import type { TestCommunity } from "./harness.js";

/** A fresh private Northwind channel made by the org admin, with the Northwind member in it. */
export async function northwindChannel(community: TestCommunity, name: string) {
  const { northwindAdmin, northwindMember } = community.demo.people;
  const asAdmin = actingAs(community.ctx, actorOf(northwindAdmin));
  const channel = await createChannel(asAdmin, { name, kind: "private", topic: "", description: "" });
  await addMember(asAdmin, channel.id, northwindMember.id);
  return channel;
}
