// openapi-typescript builds its output with the TypeScript 5 compiler API; this package gives it (and
// dependency-cruiser, which parses TypeScript with it) their own copy beside the project's TypeScript 7.
export { astToString, default } from "openapi-typescript";
