import { QueryCache, QueryClient } from "@tanstack/react-query";
import { isApiError } from "./api.js";
import { meQueryKey } from "./session.js";

const isClientError = (error: unknown) => isApiError(error) && error.status >= 400 && error.status < 500;

export const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({
    onError: (error, query) => {
      // A session that ended elsewhere (expired, signed out, deactivated) shows up as a 401 on any
      // page; asking /api/me again lets the sign-in gate take over.
      if (isApiError(error) && error.status === 401 && query.queryKey[0] !== meQueryKey[0]) {
        void queryClient.invalidateQueries({ queryKey: meQueryKey });
      }
    },
  }),
  defaultOptions: {
    queries: {
      retry: (failures, error) => !isClientError(error) && failures < 2,
    },
  },
});
