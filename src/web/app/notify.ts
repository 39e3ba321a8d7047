import { notifications } from "@mantine/notifications";

export const notifySuccess = (message: string) => notifications.show({ message, color: "green" });
export const notifyFailure = (message: string) =>
  notifications.show({ message, color: "red", autoClose: 8000 });
