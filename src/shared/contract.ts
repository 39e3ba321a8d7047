/**
 * The one declaration of an API operation, shared by the server and the web app.
 *
 * A module's contract files (`modules/<module>/contracts/<resource>.ts`) declare each operation once:
 * method, path, who may call it, its params, query, body and answer in zod. The server registers its
 * route from it (validation, response checking and the OpenAPI entry: operationId, summary, security,
 * error answers), and the web calls it through `callApi`, so a field added to a contract is a type
 * error wherever it is missing. Contract files import zod and `src/shared/` only: the web bundles them, without their schemas
 * (vite.config.ts).
 */
import { z } from "zod";
import type { ErrorCode } from "./errors.js";
import type { RawAnswer } from "./operation-path.js";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** public: anyone; member: anyone signed in; staff: the product team. */
export type Access = "public" | "member" | "staff";

/** The one error shape every failure leaves in. */
export const errorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z.record(z.string(), z.string()).optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: "Error" });
export type ErrorBody = z.infer<typeof errorBody>;

export { isRawAnswer, pathOf, type RawAnswer, storedFileAnswer } from "./operation-path.js";

type AnySchema = z.ZodType;

/** What a contract declares; the HTTP status of a success defaults to 200 (204 when nothing is answered). */
export type OperationSpec = {
  /** Stable, unique across the API: the OpenAPI operationId and the generated clients' method name. */
  operationId: string;
  summary: string;
  /** Longer explanation for the API documentation, when the summary cannot say it all. */
  description?: string;
  method: Method;
  /** Fastify-style: `/api/tickets/:id`. */
  path: string;
  access: Access;
  /** The OpenAPI tag (the module's name). */
  tag: string;
  params?: AnySchema;
  query?: AnySchema;
  /** A JSON body, or `multipart` for uploads (read by the route from the request's parts). */
  body?: AnySchema | "multipart";
  /** The JSON body may come as a multipart form instead: its fields, plus files named `file`. */
  form?: true;
  /** The JSON answer, or a raw one; none means 204 No Content. */
  response?: AnySchema | RawAnswer;
  status?: 200 | 201 | 202 | 204;
  /** Routes reached from outside the web app (signed one-click links) need no CSRF header. */
  csrf?: false;
  /**
   * Refuses personal API tokens: the routes that manage tokens and credentials answer only to a
   * signed-in browser, so a leaked token can neither mint more tokens nor take the account over.
   */
  bearer?: false;
  /**
   * The deployment pipeline's work (record a deployment, read the environment, its flags and the next
   * wipe, scan an export): a token of the `pipeline` area reaches these operations and nothing else.
   */
  pipeline?: true;
  /** Error codes this operation may answer beyond those every route of its kind can (see errorsOf). */
  errors?: readonly ErrorCode[];
};

export type Operation<S extends OperationSpec = OperationSpec> = S & { readonly kind: "operation" };

/** Declares one operation; the result is the value both sides import. */
export function operation<const S extends OperationSpec>(spec: S): Operation<S> {
  return { ...spec, kind: "operation" };
}

type SchemaIn<S> = S extends AnySchema ? z.input<S> : never;
type SchemaOut<S> = S extends AnySchema ? z.output<S> : never;

/** The typed parts of a request as the server sees them, after validation. */
export type ParsedParams<O extends OperationSpec> = O["params"] extends AnySchema
  ? SchemaOut<O["params"]>
  : Record<string, never>;
export type ParsedQuery<O extends OperationSpec> = O["query"] extends AnySchema
  ? SchemaOut<O["query"]>
  : Record<string, never>;
export type ParsedBody<O extends OperationSpec> = O["body"] extends AnySchema
  ? SchemaOut<O["body"]>
  : undefined;

/** What the server's handler returns: the answer before the response schema checks and shapes it. */
export type Reply<O extends OperationSpec> = O["response"] extends AnySchema
  ? SchemaIn<O["response"]>
  : O["response"] extends RawAnswer
    ? unknown
    : // biome-ignore lint/suspicious/noConfusingVoidType: the handler of a 204 operation returns nothing at all.
      void;

/** What the web receives. */
export type Answer<O extends OperationSpec> = O["response"] extends AnySchema
  ? SchemaOut<O["response"]>
  : O["response"] extends RawAnswer
    ? Response
    : undefined;

type Optionalize<Key extends string, Value> = [Value] extends [never]
  ? unknown
  : Record<string, never> extends Value
    ? { [K in Key]?: Value }
    : { [K in Key]: Value };

/** What the web sends: path params, query and body, each only where the contract has one. */
export type Request<O extends OperationSpec> = Optionalize<"params", SchemaIn<O["params"]>> &
  Optionalize<"query", SchemaIn<O["query"]>> &
  (O["body"] extends "multipart"
    ? { form: FormData }
    : O["body"] extends AnySchema
      ? O["form"] extends true
        ? { body: SchemaIn<O["body"]> } | { form: FormData }
        : Record<string, never> extends SchemaIn<O["body"]>
          ? { body?: SchemaIn<O["body"]> }
          : { body: SchemaIn<O["body"]> }
      : unknown);

export function successStatus(op: OperationSpec): number {
  return op.status ?? (op.response === undefined ? 204 : 200);
}
