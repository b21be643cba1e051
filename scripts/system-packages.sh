#!/usr/bin/env bash
# The Debian packages the tests drive: Chromium for the browser tests (never a downloaded
# browser), its fonts, and PostgreSQL, Redis and nginx for the tracker-store and cluster tests
# (started on loopback by the tests themselves).
#   scripts/system-packages.sh --missing   print the missing package names, one line
#   scripts/system-packages.sh --install   install the missing ones (apt-get; sudo unless root)
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || missing+=(postgresql)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
case "${1:---missing}" in
  --missing) echo "${missing[*]}" ;;
  --install)
    if [ ${#missing[@]} -gt 0 ]; then
      SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
      $SUDO apt-get update -q && $SUDO apt-get install -y -q "${missing[@]}"
    fi ;;
  *) echo "usage: $0 [--missing|--install]" >&2; exit 2 ;;
esac
