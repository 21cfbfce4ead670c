# Names shared by every script in deploy/. Source it; do not run it.
# Required: PROJECT (your project id) and REGION (for example us-central1).
# Optional: REPOSITORY (Artifact Registry repository), CONFIG (your API config, repo-relative),
# KEY_MODE (keyring | servicecontrol), SERVICE_NAME (the managed service, servicecontrol mode).
: "${PROJECT:?set PROJECT to your Google Cloud project id}"
: "${REGION:?set REGION, for example us-central1}"
REPOSITORY=${REPOSITORY:-portcullis}
CONFIG=${CONFIG:-api/openapi.yaml}
KEY_MODE=${KEY_MODE:-keyring}

GATEWAY=portcullis-gateway
DEPLOYER=portcullis-config-deployer
GATEWAY_SA=portcullis-gateway@$PROJECT.iam.gserviceaccount.com
DEPLOYER_SA=portcullis-deployer@$PROJECT.iam.gserviceaccount.com
BUILD_SA=portcullis-build@$PROJECT.iam.gserviceaccount.com
CONFIG_SECRET=portcullis-config
KEYRING_SECRET=portcullis-keyring
STAGING_BUCKET=gs://$PROJECT-portcullis-build
REGISTRY=$REGION-docker.pkg.dev/$PROJECT/$REPOSITORY
READER_ROLE=projects/$PROJECT/roles/portcullisSecretReader
WRITER_ROLE=projects/$PROJECT/roles/portcullisSecretWriter
