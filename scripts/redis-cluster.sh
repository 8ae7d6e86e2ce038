#!/usr/bin/env bash
# A local Redis Cluster for development and tests: three primaries, no replicas, loopback only.
#
#   scripts/redis-cluster.sh start|stop|status [BASE_PORT]
#
# Nodes listen on 127.0.0.1 ports BASE..BASE+2 (default 7101; cluster bus on BASE+10000..), each
# with its own directory ${TMPDIR:-/tmp}/agora-redis-cluster-<port> and no persistence. Connect
# Agora with REDIS_URL=redis://127.0.0.1:BASE REDIS_CLUSTER=1.
# `start` is idempotent: a healthy cluster on those ports is reused, a broken one of ours is
# replaced. `stop` shuts down only nodes of ours (their dir is ours) and removes the dirs.
set -euo pipefail

usage() { echo "usage: $0 start|stop|status [BASE_PORT]" >&2; exit 2; }
die() { printf 'redis-cluster: %b\n' "$1" >&2; exit "${2:-1}"; }

cmd=${1:-}
base=${2:-7101}
[[ "$cmd" =~ ^(start|stop|status)$ ]] || usage
[[ "$base" =~ ^[0-9]+$ ]] && (( base >= 1024 && base + 2 + 10000 <= 65535 )) ||
  die "BASE_PORT must be a number from 1024 to 55533 (the cluster bus uses port+10000)" 2

ports=("$base" "$((base + 1))" "$((base + 2))")
for p in "${ports[@]}"; do
  # The standalone development Redis is never ours to touch.
  (( p != 6379 && p + 10000 != 6379 )) || die "port range $base-$((base + 2)) would touch 6379; choose another BASE_PORT" 2
done

root=${TMPDIR:-/tmp}
root=${root%/}
dir_of() { echo "$root/agora-redis-cluster-$1"; }
cli() { local p=$1; shift; redis-cli -h 127.0.0.1 -p "$p" "$@"; }

command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 ||
  die "redis-server and redis-cli are required (Debian: apt-get install -y redis-server)" 127

# One caller at a time per cluster: parallel test workers may all ask for it at once. (The lock's
# descriptor is closed for redis-server below, or the daemons would hold the lock forever.)
if [ "$cmd" != status ] && command -v flock >/dev/null 2>&1; then
  exec 9>"$root/agora-redis-cluster-$base.lock"
  flock -w 120 9 || die "timed out waiting for the lock on $root/agora-redis-cluster-$base.lock"
fi

answers() { [ "$(cli "$1" ping 2>/dev/null)" = PONG ]; }
# A node is ours when it runs from the directory this script gave it.
ours() { [ "$(cli "$1" config get dir 2>/dev/null | sed -n 2p)" = "$(dir_of "$1")" ]; }
cluster_ok() {
  local p
  for p in "${ports[@]}"; do
    ours "$p" || return 1
    local info
    info=$(cli "$p" cluster info 2>/dev/null) || return 1
    grep -q '^cluster_state:ok' <<<"$info" || return 1
    grep -q '^cluster_known_nodes:3' <<<"$info" || return 1
  done
}

stop_nodes() {
  local p d
  for p in "${ports[@]}"; do
    d=$(dir_of "$p")
    if answers "$p"; then
      if ours "$p"; then
        cli "$p" shutdown nosave >/dev/null 2>&1 || true
        for _ in $(seq 1 100); do answers "$p" || break; sleep 0.1; done
        ! answers "$p" || die "node on port $p did not shut down"
      else
        echo "redis-cluster: port $p is served by a Redis that is not ours; left alone" >&2
      fi
    fi
    rm -rf "$d"
  done
}

status() {
  local p rc=0
  for p in "${ports[@]}"; do
    if ! answers "$p"; then echo "127.0.0.1:$p down"; rc=1
    elif ! ours "$p"; then echo "127.0.0.1:$p answers but is not ours ($(dir_of "$p"))"; rc=1
    else echo "127.0.0.1:$p $(cli "$p" cluster info | tr -d '\r' | grep '^cluster_state:')"; fi
  done
  cluster_ok || rc=1
  return $rc
}

start() {
  if cluster_ok; then
    echo "redis-cluster: already running at redis://127.0.0.1:$base (ports ${ports[*]})"
    return 0
  fi
  local p d
  for p in "${ports[@]}"; do
    if answers "$p" && ! ours "$p"; then die "port $p is already used by another Redis; choose another BASE_PORT"; fi
  done
  stop_nodes
  for p in "${ports[@]}"; do
    d=$(dir_of "$p")
    mkdir -p "$d"
    redis-server --cluster-enabled yes --cluster-config-file nodes.conf --save "" --appendonly no \
      --bind 127.0.0.1 --port "$p" --daemonize yes --dir "$d" --logfile "$d/redis.log" --pidfile "$d/redis.pid" 9>&- ||
      die "redis-server on port $p did not start (see $d/redis.log)"
  done
  for p in "${ports[@]}"; do
    for _ in $(seq 1 100); do answers "$p" && break; sleep 0.1; done
    answers "$p" || die "node on port $p does not answer (see $(dir_of "$p")/redis.log)"
  done
  local out
  out=$(redis-cli --cluster create "${ports[@]/#/127.0.0.1:}" --cluster-replicas 0 --cluster-yes 2>&1) ||
    die "redis-cli --cluster create failed:\n$out"
  for _ in $(seq 1 300); do cluster_ok && break; sleep 0.1; done
  cluster_ok || die "cluster did not reach cluster_state:ok on every node in 30 s"
  echo "redis-cluster: ready at redis://127.0.0.1:$base (ports ${ports[*]})"
}

case "$cmd" in
  start) start ;;
  stop) stop_nodes; rm -f "$root/agora-redis-cluster-$base.lock"; echo "redis-cluster: stopped (ports ${ports[*]})" ;;
  status) status ;;
esac
