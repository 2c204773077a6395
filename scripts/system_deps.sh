#!/usr/bin/env bash
# Debian packages Veil needs, installed only when missing (idempotent): Java (a JDK) for Spark, Chromium and
# its driver for the dashboard's browser tests, and a PostgreSQL server when none answers on 127.0.0.1:5432
# (started if installed but stopped).
set -euo pipefail
need=()
# a JDK, not only a runtime: make install compiles veil's Hadoop local file system (veil/warehouse/jvm)
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v pg_isready >/dev/null 2>&1 || need+=(postgresql postgresql-contrib)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
if ((${#need[@]})); then
  echo "installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ -z "${VEIL_POSTGRES_URL:-}" ] && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "starting the local PostgreSQL cluster"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
  for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "PostgreSQL does not answer on 127.0.0.1:5432 and could not be started: start it" \
         "(pg_ctlcluster 15 main start) or set VEIL_POSTGRES_URL / VEIL_TEST_POSTGRES_URL" >&2
    exit 1
  fi
fi
