#!/usr/bin/env bash
# Real Elasticsearch 8.x nodes for docindex's tests, without Docker (see README.md in this folder).
#
#   test/elasticsearch/start-node.sh --build-only      prepare: Java 17 + Maven, download, compile
#   test/elasticsearch/start-node.sh [--nodes N] [--port P] [--heap 512m]
#                                                       run N nodes in the foreground on 127.0.0.1
#                                                       (HTTP P.., transport P+100..; Ctrl-C stops)
#
# The tests do not need this script: test/elasticsearch/es-node.ts builds and starts nodes itself.
# CI runs --build-only once up front so the downloads happen outside the test timeouts.
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)"

build_only=0
nodes=1
port=9200
heap=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build-only) build_only=1 ;;
    --nodes) nodes="$2"; shift ;;
    --port) port="$2"; shift ;;
    --heap) heap="$2"; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "start-node.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

# Java 17+ and Maven: install from Debian if missing (CI runs as root on Debian).
need=()
command -v java >/dev/null || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "start-node.sh: missing ${need[*]} (need Java 17+ and Maven 3)" >&2
    exit 1
  fi
fi

# Compile (offline first: a warm ~/.m2 needs no network), then stamp so es-node.ts skips Maven.
cd "$dir"
mkdir -p target
if ! mvn -q -B -o compile >target/build.log 2>&1; then
  mvn -q -B compile >>target/build.log 2>&1 || { cat target/build.log >&2; exit 1; }
fi
date -u +%FT%TZ >target/build.stamp
[ "$build_only" = 1 ] && { echo "es-nodes built: $dir/target"; exit 0; }

if [ -z "$heap" ]; then
  if [ "$nodes" -le 1 ]; then heap=512m; else heap=1g; fi
fi
http_ports=$(seq -s, "$port" $((port + nodes - 1)))
transport_ports=$(seq -s, $((port + 100)) $((port + 100 + nodes - 1)))
home="$(mktemp -d "${TMPDIR:-/tmp}/docindex-es-XXXXXX")"
trap 'rm -rf "$home"' EXIT
echo "data and logs: $home" >&2
# Not exec: the EXIT trap removes the data folder after the JVM exits. Bash does not pass
# SIGTERM on to a foreground child, so the JVM runs in the background and signals are forwarded.
java "-Xms$heap" "-Xmx$heap" -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError \
  -Djava.awt.headless=true -Dfile.encoding=UTF-8 -Dlog4j2.disable.jmx=true \
  -cp "target/classes:$(cat target/classpath.txt)" docindex.es.EsNodes \
  --home "$home" --cluster-name docindex-dev --http-ports "$http_ports" \
  --transport-ports "$transport_ports" --keep-running </dev/null &
jvm=$!
trap 'kill -TERM "$jvm" 2>/dev/null || true' TERM INT HUP
status=0
while kill -0 "$jvm" 2>/dev/null; do
  wait "$jvm" || status=$?
done
exit "$status"
