# syntax=docker/dockerfile:1
# Multi-stage build: compile TypeScript with dev dependencies, ship only dist/ and production dependencies.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY config/bulkhead.example.yaml /etc/bulkhead/bulkhead.yaml
# Data-plane ports (example config) and the control plane; mount your own config over /etc/bulkhead/bulkhead.yaml.
EXPOSE 19092-19095 9190
USER node
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["start", "/etc/bulkhead/bulkhead.yaml"]
