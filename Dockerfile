# Osteoporosis CDS Hooks service. Two stages:
#   build   — full dependencies from the lockfile, compiles TypeScript to dist/. Also the image of the compose
#             stack's one-shot demo loader (it needs tsx and demo/), so it keeps demo/ and the dev dependencies.
#   runtime — production dependencies only, the compiled service and operator commands (dist/src, dist/scripts) and
#             the data folders the app reads; runs as `node`. Not the demo fixtures (dist/fixtures: synthetic patients
#             for the preview page and the demo) nor the preview page's browser bundle: the preview is a development
#             tool, off in this image.
#             `npm run report` / `npm run migrate` need tsx (a dev dependency), so the image runs their compiled
#             form instead: `node dist/scripts/report.js`, `node dist/scripts/migrate.js`.
#
# Node 22 is an LTS line (Node 20 has reached its end of life). The same steps are reproduced without Docker by
# scripts/runtime-check.ts, and this file's properties are asserted by test/ops/dockerfile.test.ts.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY hooks ./hooks
COPY cards ./cards
COPY valuesets ./valuesets
COPY fixtures ./fixtures
COPY demo ./demo
COPY docker/wait-for-http.mjs ./docker/wait-for-http.mjs
COPY scripts/tsconfig.ops.json scripts/report.ts scripts/migrate.ts scripts/bundle-preview.ts ./scripts/
# The service, plus the operator commands (report, migrate) compiled to plain JS: the runtime stage has no tsx.
RUN npm run build && npx tsc -p scripts/tsconfig.ops.json

FROM node:22-bookworm-slim AS runtime
LABEL org.opencontainers.image.title="dmab-cds-hooks" \
      org.opencontainers.image.description="CDS Hooks 2.0 service: lapsed denosumab, vertebral fractures, unsafe osteoporosis orders" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.licenses="UNLICENSED" \
      org.opencontainers.image.base.name="docker.io/library/node:22-bookworm-slim"
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
# Production dependencies only, exactly as locked; the npm cache is dropped to keep the layer small.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/scripts ./dist/scripts
COPY --from=build /app/hooks ./hooks
COPY --from=build /app/cards ./cards
COPY --from=build /app/valuesets ./valuesets
COPY scripts/healthcheck.mjs ./scripts/healthcheck.mjs
# data/ holds the embedded SQLite feedback store when DATABASE_URL is unset: the only folder the app writes.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# The slim image has no curl or wget: a small node script asks /healthz instead.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 CMD ["node", "scripts/healthcheck.mjs"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/server.js"]
