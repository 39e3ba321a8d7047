import { createBrowserRouter, matchRoutes } from "react-router";
import { preloadPages } from "./lazy-page.js";
import { routes } from "./routes.js";

void preloadPages((matchRoutes(routes, window.location) ?? []).map((match) => match.route.element));

export const router = createBrowserRouter(routes);
