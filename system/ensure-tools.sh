#!/usr/bin/env bash
# Tools the system tests need beyond Node, PostgreSQL and Redis, from Debian's packages when missing:
# nginx, the load balancer in front of two app instances, and PgBouncer, the pooler the app must also
# work behind. The tests run both with their own configuration in a temporary folder; this script never
# touches the system's nginx or PgBouncer configuration or services.
set -euo pipefail

need() {
  local binary=$1 package=$2
  if [ ! -x "$binary" ]; then
    echo "$binary is missing; installing the Debian package $package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq "$package" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$package" >/dev/null; }
  fi
  if [ ! -x "$binary" ]; then
    echo "FAIL: $binary is still missing after 'apt-get install $package'" >&2
    exit 1
  fi
}

need /usr/sbin/nginx nginx
need /usr/sbin/pgbouncer pgbouncer
/usr/sbin/nginx -v
/usr/sbin/pgbouncer --version | head -1
