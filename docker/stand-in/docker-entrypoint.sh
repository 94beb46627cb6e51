#!/bin/sh
# Entry point of the stand-in for node:22-bookworm-slim, with the official image's behaviour: a first argument
# that is an option (-e, --version), not a command on PATH, or a non-executable file is run by node; anything
# else (sh, npm, node itself) runs as given.
set -e
case "$1" in
  -*) set -- node "$@" ;;
  *)
    if [ -z "$(command -v "$1")" ] || { [ -f "$1" ] && [ ! -x "$1" ]; }; then
      set -- node "$@"
    fi
    ;;
esac
exec "$@"
