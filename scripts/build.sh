#!/usr/bin/env bash
# `pnpm build`. gun-sync has no compile step: services run their TypeScript sources with tsx
# (docs/deploy.md, "Why tsx and no bundle"), so its one build artefact is the container image.
# This checks everything the image is made of, then builds it where a Docker engine answers:
#   1. typecheck: every package, service, test and script (tsc --noEmit, one program);
#   2. pnpm validate:deploy: the Dockerfile, its scripts, docker-compose.yml and the Kubernetes
#      manifests, offline;
#   3. docker build -f infra/docker/Dockerfile -t "${GUN_SYNC_IMAGE:-gun-sync:local}" .
# Without a Docker engine step 3 is skipped and says so; the exit code is that of the first
# step that fails.
# shellcheck disable=SC1091
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT" || exit 1
ensure_pnpm

log "== typecheck =="
pnpm -s typecheck
log "== deployment validation (compose, kubernetes, dockerfile) =="
pnpm -s validate:deploy
if docker info >/dev/null 2>&1; then
  image="${GUN_SYNC_IMAGE:-gun-sync:local}"
  log "== image $image =="
  DOCKER_BUILDKIT=1 docker build -f infra/docker/Dockerfile -t "$image" .
else
  log "no Docker engine answers: the image was not built (steps 1 and 2 checked it offline)"
fi
