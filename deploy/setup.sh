#!/usr/bin/env bash
# One-time project set-up for Portcullis (docs/deploy.md, step 1). Safe to run again.
# Run by a project Owner: PROJECT=my-project REGION=us-central1 deploy/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/env.sh
OPERATOR_MEMBER=${OPERATOR_MEMBER:-user:$(gcloud config get-value account)}
PROJECT_NUMBER=$(gcloud projects describe "$PROJECT" --format='value(projectNumber)')

# APIs: Cloud Run hosts both functions; Cloud Build builds and deploys; Artifact Registry holds the
# images; Secret Manager holds the config and the keyring; IAM for the service accounts and custom
# roles; IAM Credentials mints the build's ID tokens for the deployer.
gcloud services enable run.googleapis.com cloudbuild.googleapis.com artifactregistry.googleapis.com \
    secretmanager.googleapis.com iam.googleapis.com iamcredentials.googleapis.com --project "$PROJECT"
if [ "$KEY_MODE" = servicecontrol ]; then
  gcloud services enable servicecontrol.googleapis.com servicemanagement.googleapis.com --project "$PROJECT"
fi

# Service accounts: one per function, one for the builds.
for sa in portcullis-gateway portcullis-deployer portcullis-build; do
  gcloud iam service-accounts describe "$sa@$PROJECT.iam.gserviceaccount.com" --project "$PROJECT" >/dev/null 2>&1 \
    || gcloud iam service-accounts create "$sa" --project "$PROJECT" --display-name "$sa"
done

# Two custom roles, granted on single secrets only. The reader reads the secret's aliases and a
# version's payload; the writer also adds versions, moves the alias and disables a version that
# lost a race. No predefined role has secrets.update without IAM and delete rights too.
gcloud iam roles describe portcullisSecretReader --project "$PROJECT" >/dev/null 2>&1 \
  || gcloud iam roles create portcullisSecretReader --project "$PROJECT" --stage GA \
       --title "Portcullis secret reader" \
       --permissions secretmanager.secrets.get,secretmanager.versions.access
gcloud iam roles describe portcullisSecretWriter --project "$PROJECT" >/dev/null 2>&1 \
  || gcloud iam roles create portcullisSecretWriter --project "$PROJECT" --stage GA \
       --title "Portcullis secret writer" \
       --permissions secretmanager.secrets.get,secretmanager.secrets.update,secretmanager.versions.access,secretmanager.versions.add,secretmanager.versions.list,secretmanager.versions.disable

# The config store (the deployer writes it, the gateway reads it) and the keyring.
for secret in "$CONFIG_SECRET" "$KEYRING_SECRET"; do
  gcloud secrets describe "$secret" --project "$PROJECT" >/dev/null 2>&1 \
    || gcloud secrets create "$secret" --project "$PROJECT" --replication-policy automatic
done
# The keyring's first version (empty) and the `current` alias the gateway and `portcullis keys` follow.
if [ -z "$(gcloud secrets describe "$KEYRING_SECRET" --project "$PROJECT" --format='value(versionAliases.current)')" ]; then
  version=$(printf '{"keys":[]}' | gcloud secrets versions add "$KEYRING_SECRET" --project "$PROJECT" --data-file=- --format='value(name)')
  gcloud secrets update "$KEYRING_SECRET" --project "$PROJECT" --update-version-aliases "current=${version##*/}"
fi
gcloud secrets add-iam-policy-binding "$CONFIG_SECRET" --project "$PROJECT" --member "serviceAccount:$GATEWAY_SA" --role "$READER_ROLE"
gcloud secrets add-iam-policy-binding "$KEYRING_SECRET" --project "$PROJECT" --member "serviceAccount:$GATEWAY_SA" --role "$READER_ROLE"
gcloud secrets add-iam-policy-binding "$CONFIG_SECRET" --project "$PROJECT" --member "serviceAccount:$DEPLOYER_SA" --role "$WRITER_ROLE"
gcloud secrets add-iam-policy-binding "$KEYRING_SECRET" --project "$PROJECT" --member "$OPERATOR_MEMBER" --role "$WRITER_ROLE"

# Images, and a bucket for the sources `gcloud builds submit` uploads.
gcloud artifacts repositories describe "$REPOSITORY" --project "$PROJECT" --location "$REGION" >/dev/null 2>&1 \
  || gcloud artifacts repositories create "$REPOSITORY" --project "$PROJECT" --location "$REGION" --repository-format docker
gcloud artifacts repositories add-iam-policy-binding "$REPOSITORY" --project "$PROJECT" --location "$REGION" \
    --member "serviceAccount:$BUILD_SA" --role roles/artifactregistry.writer
gcloud storage buckets describe "$STAGING_BUCKET" --project "$PROJECT" >/dev/null 2>&1 \
  || gcloud storage buckets create "$STAGING_BUCKET" --project "$PROJECT" --location "$REGION" --uniform-bucket-level-access
gcloud storage buckets add-iam-policy-binding "$STAGING_BUCKET" --member "serviceAccount:$BUILD_SA" --role roles/storage.objectViewer

# The build's service account: writes its logs, deploys revisions that run as the two function
# service accounts, and mints ID tokens for itself (to call the deployer).
gcloud projects add-iam-policy-binding "$PROJECT" --member "serviceAccount:$BUILD_SA" --role roles/logging.logWriter --condition None
gcloud iam service-accounts add-iam-policy-binding "$GATEWAY_SA" --project "$PROJECT" --member "serviceAccount:$BUILD_SA" --role roles/iam.serviceAccountUser
gcloud iam service-accounts add-iam-policy-binding "$DEPLOYER_SA" --project "$PROJECT" --member "serviceAccount:$BUILD_SA" --role roles/iam.serviceAccountUser
gcloud iam service-accounts add-iam-policy-binding "$BUILD_SA" --project "$PROJECT" --member "serviceAccount:$BUILD_SA" --role roles/iam.serviceAccountOpenIdTokenCreator

# You: run builds and create triggers as the build's service account, and mint its ID token for a
# manual `portcullis deploy`.
gcloud iam service-accounts add-iam-policy-binding "$BUILD_SA" --project "$PROJECT" --member "$OPERATOR_MEMBER" --role roles/iam.serviceAccountUser
gcloud iam service-accounts add-iam-policy-binding "$BUILD_SA" --project "$PROJECT" --member "$OPERATOR_MEMBER" --role roles/iam.serviceAccountTokenCreator

# Cloud Build's service agent stores the GitHub connection's token in Secret Manager (Google's
# requirement for repository connections made with gcloud).
gcloud projects add-iam-policy-binding "$PROJECT" \
    --member "serviceAccount:service-$PROJECT_NUMBER@gcp-sa-cloudbuild.iam.gserviceaccount.com" \
    --role roles/secretmanager.admin --condition None

if [ "$KEY_MODE" = servicecontrol ]; then
  : "${SERVICE_NAME:?set SERVICE_NAME to the managed service name, the host of the config}"
  gcloud endpoints services add-iam-policy-binding "$SERVICE_NAME" --project "$PROJECT" \
      --member "serviceAccount:$GATEWAY_SA" --role roles/servicemanagement.serviceController
fi
echo "Set-up done for $PROJECT."
