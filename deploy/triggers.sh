#!/usr/bin/env bash
# The git-push pipeline (docs/pipeline.md; docs/deploy.md, step 5): links your GitHub repository
# to the Cloud Build connection you authorised, and creates two triggers on pushes to BRANCH:
# portcullis-config (CONFIG changed: validate and deploy it, in seconds) and portcullis-release
# (anything else changed: tests, images, deploy).
#   PROJECT=my-project REGION=us-central1 GITHUB_REPO=owner/name deploy/triggers.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/env.sh
: "${GITHUB_REPO:?set GITHUB_REPO to owner/name of your GitHub repository}"
CONNECTION=${CONNECTION:-portcullis-github}
BRANCH=${BRANCH:-main}
REPO_NAME=${GITHUB_REPO#*/}
DEPLOYER_URL=$(gcloud run services describe "$DEPLOYER" --project "$PROJECT" --region "$REGION" --format='value(status.url)')
REPOSITORY_RESOURCE=projects/$PROJECT/locations/$REGION/connections/$CONNECTION/repositories/$REPO_NAME
SUBSTITUTIONS="_REGION=$REGION,_REPOSITORY=$REPOSITORY,_DEPLOYER_URL=$DEPLOYER_URL,_CONFIG=$CONFIG,_ALLOW_DOWNGRADE=false"

gcloud builds repositories describe "$REPO_NAME" --project "$PROJECT" --region "$REGION" --connection "$CONNECTION" >/dev/null 2>&1 \
  || gcloud builds repositories create "$REPO_NAME" --project "$PROJECT" --region "$REGION" --connection "$CONNECTION" \
       --remote-uri "https://github.com/$GITHUB_REPO.git"

gcloud builds triggers create github --project "$PROJECT" --region "$REGION" --name portcullis-config \
    --repository "$REPOSITORY_RESOURCE" --branch-pattern "^$BRANCH\$" \
    --build-config cloudbuild.yaml --included-files "$CONFIG" \
    --service-account "projects/$PROJECT/serviceAccounts/$BUILD_SA" \
    --substitutions "$SUBSTITUTIONS"
gcloud builds triggers create github --project "$PROJECT" --region "$REGION" --name portcullis-release \
    --repository "$REPOSITORY_RESOURCE" --branch-pattern "^$BRANCH\$" \
    --build-config deploy/cloudbuild-release.yaml --ignored-files "$CONFIG" \
    --service-account "projects/$PROJECT/serviceAccounts/$BUILD_SA" \
    --substitutions "$SUBSTITUTIONS,_RUN_TESTS=true,_DEPLOY=true"
echo "Triggers portcullis-config and portcullis-release watch $GITHUB_REPO@$BRANCH."
