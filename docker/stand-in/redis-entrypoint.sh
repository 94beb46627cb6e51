#!/bin/sh
# Stand-in entry point: as in the official image, a server started without a configuration file listens on
# every interface of the container with protected mode off (the compose network is the boundary).
set -e
if [ "$1" = redis-server ]; then
  shift
  exec redis-server --bind '* -::*' --protected-mode no --dir /tmp "$@"
fi
exec "$@"
