#!/usr/bin/env bash
# Build the images, deploy the ConfigDeployer, the first API config and the gateway
# (docs/deploy.md, step 3). Run again to change a setting or roll out the working tree.
#   PROJECT=my-project REGION=us-central1 CONFIG=api/openapi.yaml deploy/deploy.sh
# Optional: BACKEND_SERVICES (Cloud Run services in REGION the gateway calls, comma-separated),
# RUN_TESTS=false (skip the test suite in the image build), KEY_MODE/SERVICE_NAME (Google API keys),
# REDIS and VPC_CONNECTOR (exact quotas over Memorystore; deploy/redis.sh prints both).
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/env.sh
RUN_TESTS=${RUN_TESTS:-true}
PROJECT_NUMBER=$(gcloud projects describe "$PROJECT" --format='value(projectNumber)')
# Cloud Run's deterministic URL: known before the service exists, so the deployer can start with
# its audience set (it refuses to start without PORTCULLIS_AUDIENCE).
DEPLOYER_URL=https://$DEPLOYER-$PROJECT_NUMBER.$REGION.run.app
SUBMIT=(--project "$PROJECT" --region "$REGION" --service-account "projects/$PROJECT/serviceAccounts/$BUILD_SA"
        --gcs-source-staging-dir "$STAGING_BUCKET/source")

if [ ! -f "$CONFIG" ]; then
  echo "CONFIG=$CONFIG does not exist: write your API config there (docs/deploy.md, step 2)." >&2
  exit 2
fi

# 1. Test, build and push the gateway, deployer and CLI images (nothing is deployed yet).
gcloud builds submit . "${SUBMIT[@]}" --config deploy/cloudbuild-release.yaml \
    --substitutions "_REGION=$REGION,_REPOSITORY=$REPOSITORY,_RUN_TESTS=$RUN_TESTS,_DEPLOY=false,_DEPLOYER_URL=$DEPLOYER_URL,_CONFIG=$CONFIG,_ALLOW_DOWNGRADE=false"

# 2. The ConfigDeployer: private, only the build's service account may call it and deploy.
gcloud run deploy "$DEPLOYER" --project "$PROJECT" --region "$REGION" \
    --image "$REGISTRY/portcullis-config-deployer:latest" \
    --service-account "$DEPLOYER_SA" --no-allow-unauthenticated \
    --set-env-vars "PORTCULLIS_CONFIG=sm://projects/$PROJECT/secrets/$CONFIG_SECRET,PORTCULLIS_AUDIENCE=$DEPLOYER_URL,PORTCULLIS_DEPLOYERS=$BUILD_SA,GOOGLE_CLOUD_PROJECT=$PROJECT"
url=$(gcloud run services describe "$DEPLOYER" --project "$PROJECT" --region "$REGION" --format='value(status.url)')
if [ "$url" != "$DEPLOYER_URL" ]; then
  # No deterministic URL (a long service name, or run.app URLs turned off): use the one it got.
  DEPLOYER_URL=$url
  gcloud run services update "$DEPLOYER" --project "$PROJECT" --region "$REGION" --update-env-vars "PORTCULLIS_AUDIENCE=$DEPLOYER_URL"
fi
gcloud run services add-iam-policy-binding "$DEPLOYER" --project "$PROJECT" --region "$REGION" \
    --member "serviceAccount:$BUILD_SA" --role roles/run.invoker
gcloud run services add-iam-policy-binding "$DEPLOYER" --project "$PROJECT" --region "$REGION" \
    --member "serviceAccount:$BUILD_SA" --role roles/run.developer

# 3. The first API config, through the same pipeline a `git push` runs (validate, then deploy).
gcloud builds submit . "${SUBMIT[@]}" --config cloudbuild.yaml \
    --substitutions "_REGION=$REGION,_REPOSITORY=$REPOSITORY,_DEPLOYER_URL=$DEPLOYER_URL,_CONFIG=$CONFIG,_ALLOW_DOWNGRADE=false"

# 4. The gateway: public (it checks API keys itself), reading the deployer's live config.
if [ "$KEY_MODE" = servicecontrol ]; then
  keys=servicecontrol
  env="PORTCULLIS_SERVICE_NAME=${SERVICE_NAME:?set SERVICE_NAME to the managed service name}"
else
  keys=sm://projects/$PROJECT/secrets/$KEYRING_SECRET
  env=""
fi
env="PORTCULLIS_CONFIG=sm://projects/$PROJECT/secrets/$CONFIG_SECRET,PORTCULLIS_KEYS=$keys,GOOGLE_CLOUD_PROJECT=$PROJECT${env:+,$env}"
network=()
if [ -n "${REDIS:-}" ]; then
  env="$env,PORTCULLIS_REDIS=$REDIS"
  network=(--vpc-connector "${VPC_CONNECTOR:?set VPC_CONNECTOR with REDIS (deploy/redis.sh)}" --vpc-egress private-ranges-only)
fi
gcloud run deploy "$GATEWAY" --project "$PROJECT" --region "$REGION" \
    --image "$REGISTRY/portcullis-gateway:latest" \
    --service-account "$GATEWAY_SA" --allow-unauthenticated \
    --set-env-vars "$env" "${network[@]}"
gcloud run services add-iam-policy-binding "$GATEWAY" --project "$PROJECT" --region "$REGION" \
    --member "serviceAccount:$BUILD_SA" --role roles/run.developer

# 5. Let the gateway call its backends (Cloud Run services that require authentication).
IFS=',' read -r -a backends <<< "${BACKEND_SERVICES:-}"
for backend in "${backends[@]}"; do
  gcloud run services add-iam-policy-binding "$backend" --project "$PROJECT" --region "$REGION" \
      --member "serviceAccount:$GATEWAY_SA" --role roles/run.invoker
done

GATEWAY_URL=$(gcloud run services describe "$GATEWAY" --project "$PROJECT" --region "$REGION" --format='value(status.url)')
echo "Deployer: $DEPLOYER_URL"
echo "Gateway:  $GATEWAY_URL"
