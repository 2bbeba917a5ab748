#!/usr/bin/env bash
# Stand-ins for the images critest (sigs.k8s.io/cri-tools v1.37.0) pulls, built here without any
# image registry: Debian's busybox-static as the base (as upstream's test images are busybox),
# two small static Go programs for the nginx and nonewprivs images, catatonit as pause. Each is
# an OCI image in one layout cached by content; `push` copies them into a registry under their
# upstream repository paths, so a registry mirror for registry.k8s.io, gcr.io, k8s.gcr.io and
# docker.io that points at it serves every name critest asks for.
#
#   scripts/cri-images.sh build            build (or find) the layout; prints layout=<dir>
#   scripts/cri-images.sh list             the upstream names, one a line
#   scripts/cri-images.sh push HOST:PORT   push them all into a plain-HTTP registry
#   scripts/cri-images.sh serve DIR        start Debian's docker-registry on 127.0.0.1:<free
#                                          port> with config and storage in DIR, push, print
#                                          registry=127.0.0.1:<port> and pid=<pid>; stop it with
#                                          kill "$(cat DIR/registry.pid)"
#
# What each stand-in must contain, read from cri-tools' pkg/validate and images/ (docs/cri.md has
# the table): busybox (sh, top, sleep, id, ...) with upstream's /etc/passwd and /etc/group
# (www-data 33, nobody); users 1002, www-data, 1003:1004, www-data:1004 as the image's User;
# predefined-group: user 1000 in group 50000 in /etc/group, User 1000; nginx: a process named
# nginx whose /proc/PID/cmdline says "master process", writes /var/run/nginx.pid and answers
# HTTP on :80 (hostnet-nginx: on :12003); pgrep and ipcs (`pgrep sleep`, `ipcs -m`), which
# Debian's busybox-static lacks;
# nonewprivs: a setuid-root program printing "Effective uid: N"; httpd: HTTP on :80 and "httpd"
# in its log; test-image-1/2/3 differ,
# test-image-tags:1/2/3 are one image; registry.k8s.io/pause:3.9 and k8s.gcr.io/pause:3.9 are one
# image. The "public image with digest" spec pins a digest of upstream's bytes: no stand-in can
# have it, so that spec is skipped (docs/cri.md).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache_root="${HOOKD_CRI_IMAGES_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hookd/cri-images}"

GCR=gcr.io/k8s-staging-cri-tools
E2E=registry.k8s.io/e2e-test-images
# upstream name → layout tag (one line each; several names may share a tag: same image)
IMAGES="
$E2E/busybox:1.29-2 busybox
docker.io/library/busybox:latest busybox
$E2E/nginx:1.14-2 nginx
$E2E/httpd:2.4.39-4 httpd
$GCR/hostnet-nginx-amd64:latest hostnet-nginx
$E2E/nonewprivs:1.3 nonewprivs
registry.k8s.io/pause:3.9 pause
k8s.gcr.io/pause:3.9 pause
$GCR/test-image-latest:latest test-image-latest
$GCR/test-image-tag:test test-image-tag
$GCR/test-image-tag:all test-image-tag
$GCR/test-image-1:latest test-image-1
$GCR/test-image-2:latest test-image-2
$GCR/test-image-3:latest test-image-3
$GCR/test-image-tags:1 test-image-tags
$GCR/test-image-tags:2 test-image-tags
$GCR/test-image-tags:3 test-image-tags
$GCR/test-image-user-uid:latest user-uid
$GCR/test-image-user-username:latest user-username
$GCR/test-image-user-uid-group:latest user-uid-group
$GCR/test-image-user-username-group:latest user-username-group
$GCR/test-image-predefined-group:latest predefined-group
"

need() { command -v "$1" >/dev/null || { echo "cri-images: $1 is not installed (apt-get install $2)" >&2; exit 1; }; }

# The cache key: this script, the Go sources and the busybox binary; any change rebuilds.
cache_key() {
  cat "$0" "$here"/cri-images/*/main.go "$here"/cri-images/bin/* /bin/busybox /usr/bin/catatonit | sha256sum | cut -c1-16
}

write_base_rootfs() {
  local root=$1
  mkdir -p "$root"/{bin,sbin,etc,tmp,proc,sys,dev,root,home,var/run,var/www,var/spool/mail,usr/bin,usr/sbin}
  cp /bin/busybox "$root/bin/busybox"
  # Hard links, as upstream's busybox image has: a masked path (MaskedPaths: /bin/ls) is a bind
  # mount over that one name, where a symlink would mask the busybox binary itself.
  local applet
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -f "$root/bin/busybox" "$root/bin/$applet"
  done
  # Applets Debian's busybox-static lacks and critest's specs run (pgrep, ipcs): small scripts.
  install -m 0755 "$here/cri-images/bin/pgrep" "$here/cri-images/bin/ipcs" "$root/bin/"
  chmod 1777 "$root/tmp"
  # upstream busybox image's accounts (critest's user images name www-data)
  cat > "$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
EOF
  cat > "$root/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
staff:x:50:
users:x:100:
nogroup:x:65534:
EOF
}

# add_layer FROM TO DIR: image TO is FROM plus one layer holding DIR's contents (DIR is the root).
# GNU tar writes the layer (paths relative, no "/" or "./" entry, numeric owners, padded to the
# end-of-archive blocks): umoci insert's tars end a single file without padding and name the
# root "/", which strict layer readers such as hookd's refuse.
add_layer() {
  local from=$1 to=$2 dir=$3 tarball
  tarball=$(mktemp --suffix=.tar)
  (cd "$dir" && tar --numeric-owner --sort=name -cf "$tarball" $(ls -A))
  umoci raw add-layer --image "$oci:$from" --tag "$to" "$tarball"
  rm -f "$tarball"
}

build_layout() {
  need umoci umoci
  need go golang
  [ -x /usr/bin/catatonit ] || { echo "cri-images: /usr/bin/catatonit is missing (apt-get install catatonit)" >&2; exit 1; }
  local key dir work
  local oci
  key=$(cache_key)
  dir="$cache_root/$key"
  if [ -f "$dir/done" ]; then echo "$dir/oci"; return; fi
  # Test files running together may all ask on a cold cache: one builds, the others wait for the
  # lock (released when this function's subshell ends) and then find the layout done.
  mkdir -p "$cache_root"
  exec 8>"$cache_root/.lock"
  flock 8
  if [ -f "$dir/done" ]; then echo "$dir/oci"; return; fi
  echo "cri-images: building the stand-ins into $dir" >&2
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  rm -rf "$dir" && mkdir -p "$dir"
  oci="$dir/oci" # add_layer writes here
  umoci init --layout "$oci"
  umoci new --image "$oci:empty"

  mkdir -p "$work/base"
  write_base_rootfs "$work/base"
  add_layer empty base "$work/base"
  umoci config --image "$oci:base" --tag busybox --config.cmd sh \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

  # test-image-*: busybox plus one file named after the image (upstream's image-test Dockerfile)
  local name
  for name in test-image-latest test-image-tag test-image-1 test-image-2 test-image-3 test-image-tags; do
    mkdir -p "$work/$name.d" && echo "$name" > "$work/$name.d/$name"
    add_layer busybox "$name" "$work/$name.d"
  done

  # user images (upstream's image-user Dockerfile with USER set)
  umoci config --image "$oci:busybox" --tag user-uid --config.user 1002
  umoci config --image "$oci:busybox" --tag user-username --config.user www-data
  umoci config --image "$oci:busybox" --tag user-uid-group --config.user 1003:1004
  umoci config --image "$oci:busybox" --tag user-username-group --config.user www-data:1004

  # predefined-group: adduser -u 1000 default-user, addgroup -g 50000 group-defined-in-image
  mkdir -p "$work/pg/etc" "$work/pg/home/default-user"
  { cat "$work/base/etc/passwd"; echo 'default-user:x:1000:1000:Linux User,,,:/home/default-user:/bin/sh'; } > "$work/pg/etc/passwd"
  { cat "$work/base/etc/group"; echo 'default-user:x:1000:'; echo 'group-defined-in-image:x:50000:default-user'; } > "$work/pg/etc/group"
  chown 1000:1000 "$work/pg/home/default-user"
  add_layer busybox pg-files "$work/pg"
  umoci config --image "$oci:pg-files" --tag predefined-group --config.user 1000

  # nginx and hostnet-nginx: the Go stand-in as /usr/sbin/nginx
  mkdir -p "$work/nginx/usr/sbin" "$work/nginx/var/run"
  (cd "$here/cri-images/nginx" && CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags=-s -o "$work/nginx/usr/sbin/nginx" ./main.go)
  add_layer busybox nginx-files "$work/nginx"
  umoci config --image "$oci:nginx-files" --tag nginx --config.cmd nginx --config.cmd -g --config.cmd 'daemon off;' \
    --config.exposedports 80/tcp --config.stopsignal SIGTERM
  umoci config --image "$oci:nginx-files" --tag hostnet-nginx --config.cmd nginx --config.cmd -listen --config.cmd :12003 \
    --config.exposedports 12003/tcp --config.stopsignal SIGTERM

  # httpd (multi-container specs): busybox httpd on :80 serving "It works!", saying "httpd" on
  # stderr as Apache does at start (the specs look for "httpd" in its log)
  mkdir -p "$work/httpd/usr/local/apache2/htdocs" "$work/httpd/usr/local/bin"
  echo '<html><body><h1>It works!</h1></body></html>' > "$work/httpd/usr/local/apache2/htdocs/index.html"
  printf '#!/bin/sh\necho "httpd-foreground: httpd (busybox stand-in) serving /usr/local/apache2/htdocs on :80" >&2\nexec httpd -f -p 80 -h /usr/local/apache2/htdocs\n' > "$work/httpd/usr/local/bin/httpd-foreground"
  chmod 755 "$work/httpd/usr/local/bin/httpd-foreground"
  add_layer busybox httpd-files "$work/httpd"
  umoci config --image "$oci:httpd-files" --tag httpd --config.cmd httpd-foreground --config.exposedports 80/tcp \
    --config.env PATH=/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

  # nonewprivs: setuid-root /usr/local/bin/nnp
  mkdir -p "$work/nnp/usr/local/bin"
  (cd "$here/cri-images/nnp" && CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags=-s -o "$work/nnp/usr/local/bin/nnp" ./main.go)
  chown 0:0 "$work/nnp/usr/local/bin/nnp" && chmod 4755 "$work/nnp/usr/local/bin/nnp"
  add_layer busybox nnp-files "$work/nnp"
  umoci config --image "$oci:nnp-files" --tag nonewprivs --clear config.cmd --config.entrypoint /usr/local/bin/nnp

  # pause: catatonit in pause mode (what hookd runs as the infra process too)
  mkdir -p "$work/pause"
  cp /usr/bin/catatonit "$work/pause/pause"
  add_layer empty pause-files "$work/pause"
  umoci config --image "$oci:pause-files" --tag pause --clear config.cmd --config.entrypoint /pause --config.entrypoint -P

  for name in empty base pg-files nginx-files httpd-files nnp-files pause-files; do umoci rm --image "$oci:$name"; done
  umoci gc --layout "$oci"
  touch "$dir/done"
  # older builds (another key) are stale
  find "$cache_root" -mindepth 1 -maxdepth 1 -type d ! -name "$key" -exec rm -rf {} +
  echo "$oci"
}

push_all() {
  local host=$1 oci line upstream tag path
  need skopeo skopeo
  oci=$(build_layout)
  while read -r upstream tag; do
    [ -n "$upstream" ] || continue
    path=${upstream#*/} # the repository path and tag, without the registry host
    skopeo copy --quiet --dest-tls-verify=false "oci:$oci:$tag" "docker://$host/$path" >&2
  done <<< "$IMAGES"
}

serve() {
  local dir=$1 port pid
  need docker-registry docker-registry
  mkdir -p "$dir/data"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat > "$dir/config.yml" <<EOF
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
EOF
  setsid docker-registry serve "$dir/config.yml" > "$dir/registry.log" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$dir/registry.pid"
  local tries=0
  until grep -q "listening on 127.0.0.1:$port" "$dir/registry.log" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "cri-images: docker-registry exited: $(cat "$dir/registry.log")" >&2; exit 1; }
    tries=$((tries + 1)); [ $tries -lt 300 ] || { echo "cri-images: docker-registry did not listen" >&2; kill "$pid"; exit 1; }
    sleep 0.1
  done
  push_all "127.0.0.1:$port"
  echo "registry=127.0.0.1:$port"
  echo "pid=$pid"
}

case "${1:-}" in
  build) echo "layout=$(build_layout)" ;;
  list) awk 'NF { print $1 }' <<< "$IMAGES" ;;
  push) [ -n "${2:-}" ] || { echo "usage: $0 push HOST:PORT" >&2; exit 2; }; push_all "$2" ;;
  serve) [ -n "${2:-}" ] || { echo "usage: $0 serve DIR" >&2; exit 2; }; serve "$2" ;;
  *) echo "usage: $0 build | list | push HOST:PORT | serve DIR" >&2; exit 2 ;;
esac
