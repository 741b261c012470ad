#!/bin/sh
# Registers the namespace and the custom search attributes the workflows use, as name:type (the same list as
# SEARCH_ATTRIBUTES in scripts/lib/temporal.ts; tests/ops.config.test.ts keeps them equal).
# Idempotent: runs on every `docker compose up`. Needs TEMPORAL_ADDRESS.
set -eu

NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
SEARCH_ATTRIBUTES="SaleId:Keyword BuyerEmail:Keyword HoldState:Keyword ArrivalSeq:Int"

until temporal operator cluster health 2>/dev/null | grep -q SERVING; do
  echo "temporal-setup: waiting for $TEMPORAL_ADDRESS"
  sleep 2
done

if ! temporal operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; then
  temporal operator namespace create --namespace "$NAMESPACE" --retention 72h
fi

for attribute in $SEARCH_ATTRIBUTES; do
  name="${attribute%%:*}"
  type="${attribute#*:}"
  # A new namespace reaches the server's namespace cache within seconds: retry until listed.
  tries=0
  until temporal operator search-attribute list --namespace "$NAMESPACE" 2>/dev/null | grep -qw "$name"; do
    tries=$((tries + 1))
    if [ "$tries" -gt 30 ]; then
      echo "temporal-setup: could not register search attribute $name" >&2
      exit 1
    fi
    temporal operator search-attribute create --namespace "$NAMESPACE" --name "$name" --type "$type" >/dev/null 2>&1 || sleep 2
  done
done
echo "temporal-setup: namespace $NAMESPACE with search attributes $SEARCH_ATTRIBUTES"
