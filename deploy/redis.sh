#!/usr/bin/env bash
# Optional (docs/deploy.md, "Exact quotas with Redis"): a Memorystore for Redis instance and a
# Serverless VPC Access connector so the gateway can reach it. Prints REDIS and VPC_CONNECTOR for
# deploy/deploy.sh.   PROJECT=my-project REGION=us-central1 deploy/redis.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/env.sh
NETWORK=${NETWORK:-default}
CONNECTOR=${CONNECTOR:-portcullis-connector}
CONNECTOR_RANGE=${CONNECTOR_RANGE:-10.8.0.0/28}

gcloud services enable redis.googleapis.com vpcaccess.googleapis.com compute.googleapis.com --project "$PROJECT"
gcloud redis instances describe portcullis-quotas --project "$PROJECT" --region "$REGION" >/dev/null 2>&1 \
  || gcloud redis instances create portcullis-quotas --project "$PROJECT" --region "$REGION" \
       --size 1 --tier basic --network "$NETWORK"
gcloud compute networks vpc-access connectors describe "$CONNECTOR" --project "$PROJECT" --region "$REGION" >/dev/null 2>&1 \
  || gcloud compute networks vpc-access connectors create "$CONNECTOR" --project "$PROJECT" --region "$REGION" \
       --network "$NETWORK" --range "$CONNECTOR_RANGE"
host=$(gcloud redis instances describe portcullis-quotas --project "$PROJECT" --region "$REGION" --format='value(host)')
port=$(gcloud redis instances describe portcullis-quotas --project "$PROJECT" --region "$REGION" --format='value(port)')
echo "REDIS=$host:$port"
echo "VPC_CONNECTOR=$CONNECTOR"
