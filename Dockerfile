# Portcullis functions as Native AOT containers for Cloud Run.
#   docker build --build-arg FUNCTION=Gateway -t IMAGE .          (or FUNCTION=ConfigDeployer)
# Build: the .NET AOT SDK image (SDK + clang, llvm, zlib1g-dev) runs deploy/publish-aot.sh, the same
# publish command CI and the tests run. Run: chiseled runtime-deps (libc, libssl, CA certificates; no
# shell, no package manager), as the image's non-root user. The function listens on $PORT (Cloud Run
# sets it; 8080 here), on all interfaces.
ARG FUNCTION=Gateway

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble-aot AS build
ARG FUNCTION
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
COPY . .
RUN deploy/publish-aot.sh "$FUNCTION" /out \
 && mv "/out/Portcullis.$FUNCTION" /out/function

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled
ARG FUNCTION
LABEL org.opencontainers.image.title="portcullis-$FUNCTION"
WORKDIR /app
COPY --from=build /out/ /app/
# APP_UID (1654, user "app") comes from the base image.
USER $APP_UID
# The functions bind $PORT themselves; the base image's ASPNETCORE_HTTP_PORTS is cleared so Kestrel
# has one source of truth for its address.
ENV PORT=8080 \
    ASPNETCORE_HTTP_PORTS=
EXPOSE 8080
ENTRYPOINT ["/app/function"]
