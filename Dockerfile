# supportbot: a multi-stage image. The build stage compiles better-sqlite3 (native), generates the
# Prisma clients and compiles TypeScript to dist/; the runtime stage has only the compiled output
# and the production packages, and runs as the unprivileged user "node".
#   docker build -t supportbot .
#   docker run --env-file .env -v "$PWD/supportbot.yml:/config/supportbot.yml:ro" -v supportbot-data:/data -p 3000:3000 supportbot

FROM node:22-bookworm-slim AS build
WORKDIR /app
# node-gyp's toolchain for better-sqlite3 (its prebuilt download is not relied on).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY src ./src
# postinstall generates the Prisma clients and builds dist/; the explicit build fails loudly if it did not.
RUN npm ci --no-audit --no-fund
RUN npm run build
RUN npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:22-bookworm-slim
# The digest charts are drawn with DejaVu Sans.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data /config \
 && chown node:node /data
# MALLOC_MMAP_THRESHOLD_: see docs/operations.md ("The service command").
ENV NODE_ENV=production \
    MALLOC_MMAP_THRESHOLD_=131072 \
    PORT=3000 \
    DATABASE_URL=file:/data/supportbot.db \
    SUPPORT_CONFIG=/config/supportbot.yml
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/dist ./dist
USER node
VOLUME ["/data"]
EXPOSE 3000
# Liveness: the process serves HTTP. Readiness (/readyz: database and Slack) is for load balancers.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/livez`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The documented service command: node itself is PID 1 and gets SIGTERM (no npm or shell in between).
STOPSIGNAL SIGTERM
CMD ["node", "--heap-growing-percent=20", "dist/main.js"]
