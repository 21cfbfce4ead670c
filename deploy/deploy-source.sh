#!/usr/bin/env bash
# The source path (docs/deploy.md, "The source path"): Cloud Run functions built from source by
# Google's .NET buildpack, no images. Instead of deploy/deploy.sh, after deploy/setup.sh.
#   PROJECT=my-project REGION=us-central1 CONFIG=api/openapi.yaml deploy/deploy-source.sh
# Needs the portcullis CLI on PATH (docs/cli.md) for the first config.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/env.sh
PROJECT_NUMBER=$(gcloud projects describe "$PROJECT" --format='value(projectNumber)')
DEPLOYER_URL=https://$DEPLOYER-$PROJECT_NUMBER.$REGION.run.app

if [ ! -f "$CONFIG" ]; then
  echo "CONFIG=$CONFIG does not exist: write your API config there (docs/deploy.md, step 2)." >&2
  exit 2
fi

# The ConfigDeployer: private, only the build's service account may call it and deploy.
gcloud functions deploy "$DEPLOYER" --project "$PROJECT" --gen2 --runtime dotnet10 --region "$REGION" \
    --source . --entry-point Portcullis.ConfigDeployer --trigger-http --no-allow-unauthenticated \
    --service-account "$DEPLOYER_SA" --set-build-env-vars GOOGLE_BUILDABLE=functions/ConfigDeployer \
    --set-env-vars "PORTCULLIS_CONFIG=sm://projects/$PROJECT/secrets/$CONFIG_SECRET,PORTCULLIS_AUDIENCE=$DEPLOYER_URL,PORTCULLIS_DEPLOYERS=$BUILD_SA,GOOGLE_CLOUD_PROJECT=$PROJECT"
url=$(gcloud functions describe "$DEPLOYER" --project "$PROJECT" --gen2 --region "$REGION" --format='value(serviceConfig.uri)')
if [ "$url" != "$DEPLOYER_URL" ]; then
  DEPLOYER_URL=$url
  gcloud functions deploy "$DEPLOYER" --project "$PROJECT" --gen2 --region "$REGION" --update-env-vars "PORTCULLIS_AUDIENCE=$DEPLOYER_URL"
fi
gcloud functions add-invoker-policy-binding "$DEPLOYER" --project "$PROJECT" --region "$REGION" \
    --member "serviceAccount:$BUILD_SA"

# The first config, as the build's service account (impersonated: user accounts cannot mint ID
# tokens for an audience; setup.sh gave you roles/iam.serviceAccountTokenCreator on it).
portcullis deploy "$CONFIG" --url "$DEPLOYER_URL" \
    --token "$(gcloud auth print-identity-token --impersonate-service-account "$BUILD_SA" --audiences "$DEPLOYER_URL" --include-email)"

# The gateway: public (it checks API keys itself).
if [ "$KEY_MODE" = servicecontrol ]; then
  keys=servicecontrol
  env="PORTCULLIS_SERVICE_NAME=${SERVICE_NAME:?set SERVICE_NAME to the managed service name}"
else
  keys=sm://projects/$PROJECT/secrets/$KEYRING_SECRET
  env=""
fi
gcloud functions deploy "$GATEWAY" --project "$PROJECT" --gen2 --runtime dotnet10 --region "$REGION" \
    --source . --entry-point Portcullis.Gateway --trigger-http --allow-unauthenticated \
    --service-account "$GATEWAY_SA" --set-build-env-vars GOOGLE_BUILDABLE=functions/Gateway \
    --set-env-vars "PORTCULLIS_CONFIG=sm://projects/$PROJECT/secrets/$CONFIG_SECRET,PORTCULLIS_KEYS=$keys,GOOGLE_CLOUD_PROJECT=$PROJECT${env:+,$env}"

IFS=',' read -r -a backends <<< "${BACKEND_SERVICES:-}"
for backend in "${backends[@]}"; do
  gcloud run services add-iam-policy-binding "$backend" --project "$PROJECT" --region "$REGION" \
      --member "serviceAccount:$GATEWAY_SA" --role roles/run.invoker
done

GATEWAY_URL=$(gcloud functions describe "$GATEWAY" --project "$PROJECT" --gen2 --region "$REGION" --format='value(serviceConfig.uri)')
echo "Deployer: $DEPLOYER_URL"
echo "Gateway:  $GATEWAY_URL"
