# Sourced by bench/run, bench/ab, bench/floor and bench/soak: the one API and key they all measure, the
# readiness wait they all use, and the median they report.

# A well-formed Portcullis key (ApiKeys.FromBody of a fixed body), the only key in the keyring.
KEY=ptc_valid00000000000000000000000003i6lTe

bench_api() { # dir backend-port: writes dir/keyring.json (KEY's hash) and dir/openapi.yaml (one keyed GET)
  local sha
  sha=$(printf '%s' "$KEY" | sha256sum | cut -d' ' -f1)
  cat > "$1/keyring.json" <<JSON
{ "keys": [ { "id": "${sha:0:12}", "sha256": "$sha", "consumer": "bench", "created": "2026-01-01T00:00:00Z" } ] }
JSON
  cat > "$1/openapi.yaml" <<YAML
swagger: "2.0"
info: { title: Bench, version: "1" }
host: bench.endpoints.bench-project.cloud.goog
x-google-backend: { address: "http://127.0.0.1:$2" }
securityDefinitions: { api_key: { type: apiKey, name: key, in: query } }
security: [{ api_key: [] }]
paths:
  /things:
    get: { operationId: listThings }
YAML
}

wait_ok() { # url: waits up to 20 s for a 200
  for _ in $(seq 1 400); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)" = 200 ] && return 0
    sleep 0.05
  done
  echo "not ready: $1" >&2; return 1
}

median() { # "v1 v2 …" (space-separated numbers, negatives allowed) → their median
  tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}
