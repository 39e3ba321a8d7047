import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { RouteDeps } from "../../app.js";
import { requireStaff, staffAccess } from "../auth/http.js";
import { typed } from "../http.js";
import { listAudit, verifyAuditChain } from "./service.js";

export function registerAuditRoutes(scope: FastifyInstance, deps: RouteDeps): void {
  typed(scope).get(
    "/api/admin/audit",
    {
      config: staffAccess,
      schema: {
        tags: ["administration"],
        querystring: z.object({
          action: z.string().trim().max(100).optional(),
          actor: z.string().trim().max(254).optional(),
          target: z.string().trim().max(100).optional(),
          from: z.coerce.date({ error: "Not a date." }).optional(),
          to: z.coerce.date({ error: "Not a date." }).optional(),
          beforeId: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: {
          200: z.object({
            entries: z.array(
              z.object({
                id: z.number(),
                at: z.string(),
                actorId: z.string().nullable(),
                actorEmail: z.string().nullable(),
                action: z.string(),
                targetType: z.string().nullable(),
                targetId: z.string().nullable(),
                ip: z.string().nullable(),
                details: z.record(z.string(), z.unknown()),
              }),
            ),
            chain: z.object({ intact: z.boolean(), rows: z.number(), brokenAtId: z.number().optional() }),
          }),
        },
      },
    },
    async (request) => {
      requireStaff(request);
      const [entries, chain] = await Promise.all([
        listAudit(deps.db, request.query),
        verifyAuditChain(deps.db, deps.config),
      ]);
      return {
        entries: entries.map(({ prevHash: _prev, hash: _hash, keyed: _keyed, ...entry }) => ({
          ...entry,
          at: entry.at.toISOString(),
        })),
        chain: {
          intact: chain.intact,
          rows: chain.rows,
          ...(!chain.intact && chain.brokenAtId !== null ? { brokenAtId: chain.brokenAtId } : {}),
        },
      };
    },
  );
}
