# syntax=docker/dockerfile:1
# The edge: nginx serving the storefront build and routing /api/v1/* to the services.
#   docker buildx build -f deploy/docker/edge.Dockerfile -t bazaar/edge .
# The configuration is rendered at build time from the same template and the same script the start command uses
# (deploy/edge/nginx.conf.template, scripts/render-edge.sh), with each upstream at "<service>:8080": a Kubernetes
# Service of that name in the same namespace, or the docker-compose service of that name.
# Runs as nginx-unprivileged's uid 101 on port 8080; writes only under /tmp (an emptyDir with a read-only root).

ARG NODE_VERSION=22
ARG NGINX_VERSION=1.28

FROM --platform=$BUILDPLATFORM node:${NODE_VERSION}-bookworm-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
# Not "npm ci": the lock file is written where the registry serves only that platform's optional binaries (rollup's,
# esbuild's), so it lacks the other platforms' entries and npm ci rejects it as out of sync with package.json.
# npm install --no-save installs exactly the locked versions, adds this build platform's optional binary, and leaves
# the lock file alone (the same as build_web in ./bazaar).
RUN npm install --no-save --no-audit --no-fund
COPY web/ ./
# The image serves no source maps (the build makes them; nothing uploads them anywhere yet).
RUN npm run build && find dist -name '*.map' -delete

FROM --platform=$BUILDPLATFORM debian:bookworm-slim AS config
# The load balancer's addresses (the VPC) may name the client in X-Forwarded-For; nothing else may.
ARG TRUSTED_PROXY_CIDR=10.0.0.0/8
WORKDIR /repo
COPY scripts/render-edge.sh scripts/service-lib.sh scripts/services.sh scripts/
COPY deploy/edge/ deploy/edge/
RUN scripts/render-edge.sh --out /nginx.conf --listen 8080 --static-root /usr/share/nginx/html \
        --upstream '{name}:8080' --trusted-proxy "${TRUSTED_PROXY_CIDR}"

FROM nginxinc/nginx-unprivileged:${NGINX_VERSION}-alpine AS runtime
LABEL org.opencontainers.image.title="bazaar-edge" \
      org.opencontainers.image.source="https://github.com/bazaar-shop/bazaar" \
      org.opencontainers.image.description="Bazaar edge: storefront and API routing"
COPY --from=config /nginx.conf /etc/bazaar-edge/nginx.conf
COPY --from=web /web/dist/ /usr/share/nginx/html/
USER 101:101
EXPOSE 8080
STOPSIGNAL SIGQUIT
# The template's relative paths (pid, logs, temp files) resolve against the prefix /tmp/edge; logs go to stdout.
ENTRYPOINT ["/bin/sh", "-c", "mkdir -p /tmp/edge/logs && ln -sf /dev/stdout /tmp/edge/logs/access.log && ln -sf /dev/stderr /tmp/edge/logs/error.log && exec nginx -p /tmp/edge/ -e /dev/stderr -c /etc/bazaar-edge/nginx.conf -g 'daemon off;'"]
