# syntax=docker/dockerfile:1
# Multi-stage build: compile TypeScript with dev dependencies, ship only dist/ and production dependencies.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The console (ui/): built by Vite (a dev dependency) into dist/console, which the runtime stage copies with the rest
# of dist/.
COPY ui ./ui
RUN npm run build

FROM node:20-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The config is mounted, never baked in: it names your clusters, ports and advertised hosts, e.g.
#   docker run -v $PWD/bulkhead.yaml:/etc/bulkhead/bulkhead.yaml:ro -p 19092-19095:19092-19095 -p 9190:9190 bulkhead
# Inside a container, set control.listen to "0.0.0.0:9190" so health probes can reach it.
# Exposed: the two demo tenants' data ports (config/bulkhead.example.yaml) and the control plane.
EXPOSE 19092-19095 29092-29095 9190
USER node
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["start", "/etc/bulkhead/bulkhead.yaml"]
