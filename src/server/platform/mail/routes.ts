import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { RouteDeps } from "../../app.js";
import { requireStaff, staffAccess } from "../auth/http.js";
import { typed } from "../http.js";
import { listOutbox } from "./service.js";

export function registerMailRoutes(scope: FastifyInstance, deps: RouteDeps): void {
  typed(scope).get(
    "/api/admin/mail",
    {
      config: staffAccess,
      schema: {
        tags: ["administration"],
        querystring: z.object({
          to: z.string().trim().max(254).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: {
          200: z.object({
            messages: z.array(
              z.object({
                id: z.string(),
                to: z.string(),
                subject: z.string(),
                text: z.string(),
                status: z.string(),
                createdAt: z.string(),
                sentAt: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      requireStaff(request);
      const rows = await listOutbox(deps.db, request.query);
      return {
        messages: rows.map((row) => ({
          id: row.id,
          to: row.toAddress,
          subject: row.subject,
          text: row.text,
          status: row.status,
          createdAt: row.createdAt.toISOString(),
          sentAt: row.sentAt?.toISOString() ?? null,
        })),
      };
    },
  );
}
