# syntax=docker/dockerfile:1
# One image recipe for every .NET service (they differ only in the project they publish).
#   docker buildx build -f deploy/docker/service.Dockerfile --build-arg SERVICE=Catalog -t bazaar/catalog .
# SERVICE is the project folder under src/ (Identity, Catalog, Cart, Ordering, Payments, Risk).
# The image runs as the chiseled image's non-root "app" user, needs no writable path except /tmp, and holds no
# secrets: configuration arrives as environment variables (see the Helm chart and docker-compose.yml).
# Commands: serve (default), migrate, seed (src/ServiceDefaults/ServiceCommands.cs).

ARG DOTNET_VERSION=10.0

FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
ARG SERVICE
ARG TARGETARCH
WORKDIR /src
# Restore first, from the project files alone, so the package layer is cached until a project file changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ServiceDefaults/Bazaar.ServiceDefaults.csproj src/ServiceDefaults/
COPY src/${SERVICE}/Bazaar.${SERVICE}.csproj src/${SERVICE}/
RUN test -n "${SERVICE}" && dotnet restore "src/${SERVICE}/Bazaar.${SERVICE}.csproj" --arch "${TARGETARCH}"
COPY src/ServiceDefaults/ src/ServiceDefaults/
COPY src/${SERVICE}/ src/${SERVICE}/
# The app host is renamed so the entry point is the same in every image; it still loads Bazaar.<Service>.dll.
RUN dotnet publish "src/${SERVICE}/Bazaar.${SERVICE}.csproj" --no-restore --configuration Release \
        --arch "${TARGETARCH}" --self-contained false --output /app \
    && mv "/app/Bazaar.${SERVICE}" /app/bazaar-service \
    && mkdir -p /state/media /state/mailbox

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}-noble-chiseled AS runtime
ARG SERVICE
LABEL org.opencontainers.image.title="bazaar-${SERVICE}" \
      org.opencontainers.image.source="https://github.com/bazaar-shop/bazaar" \
      org.opencontainers.image.description="Bazaar ${SERVICE} service"
# Workstation GC: a small pod with one or two cores does better with it than with one server heap per core.
ENV DOTNET_gcServer=0
WORKDIR /app
COPY --from=build /app/ ./
# Local media and mailbox folders for docker-compose volumes (the cluster uses S3 and SMTP instead).
COPY --from=build --chown=1654:1654 /state/ /var/lib/bazaar/
USER 1654:1654
EXPOSE 8080
ENTRYPOINT ["/app/bazaar-service"]
CMD ["serve"]
