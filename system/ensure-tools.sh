#!/usr/bin/env bash
# Tools the system tests need beyond Node, PostgreSQL and Redis: nginx, the load balancer in front of
# two app instances. Installs the Debian package when it is missing. The tests run nginx with their own
# configuration in a temporary folder; this script never touches the system nginx config or service.
set -euo pipefail

if [ ! -x /usr/sbin/nginx ]; then
  echo "nginx is missing; installing the Debian package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx >/dev/null; }
fi

if [ ! -x /usr/sbin/nginx ]; then
  echo "FAIL: /usr/sbin/nginx is still missing after 'apt-get install nginx'" >&2
  exit 1
fi
/usr/sbin/nginx -v
