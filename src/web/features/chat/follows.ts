import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FollowLevel, getFollow, setFollow } from "../../../shared/contracts/notifications.js";
import { callApi } from "../../app/api.js";
import { notifyFailure } from "../../app/notify.js";

type Item = { type: "chat_channel" | "chat_thread"; id: string };

const followKey = (item: Item) => ["notifications", "follow", item.type, item.id] as const;

/** The person's notification level for a channel or thread (null: the default), and a way to change it. */
export function useFollowLevel(item: Item) {
  const queryClient = useQueryClient();
  const level = useQuery({
    queryKey: followKey(item),
    queryFn: async () => (await callApi(getFollow, { params: item })).level,
  });
  const change = useMutation({
    mutationFn: async (next: FollowLevel | null) =>
      (await callApi(setFollow, { params: item, body: { level: next } })).level,
    onSuccess: (next) => queryClient.setQueryData(followKey(item), next),
    onError: (error) => notifyFailure(error.message),
  });
  return { level: level.data, isPending: level.isPending, change };
}
