// openapi-typescript builds its output with the TypeScript 5 compiler API (a peer dependency); the project's
// TypeScript 7 is the native compiler without that API, so this package gives it its own copy.
export { astToString, default } from "openapi-typescript";
