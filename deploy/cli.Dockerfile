# The portcullis CLI as an image: the config pipeline (cloudbuild.yaml) validates and deploys API
# configs with it in seconds, with the same compiler as the gateway built from the same commit.
#   docker build -f deploy/cli.Dockerfile -t portcullis-cli .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish tools/Cli/Portcullis.Cli.csproj -c Release -o /out

FROM mcr.microsoft.com/dotnet/aspnet:10.0
COPY --from=build /out/ /app/
USER $APP_UID
WORKDIR /workspace
ENTRYPOINT ["dotnet", "/app/portcullis.dll"]
