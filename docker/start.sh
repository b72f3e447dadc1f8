#!/bin/sh
# Starts newsstream on Payara Micro. The ONE place that holds Payara Micro's start arguments:
# the container image runs it as its entrypoint, and the Maven build runs it with
# --outputuberjar to bake the same arguments into the runnable microbundle jar.
#
# Environment (defaults are the paths inside the container image):
#   PAYARA_MICRO_JAR       the Payara Micro jar        (/opt/payara/payara-micro.jar)
#   NEWSSTREAM_WAR         the application WAR        (/opt/payara/deployments/newsstream.war)
#   NEWSSTREAM_CONFIG_DIR  a copy of server-config/   (/opt/payara/config)
#   NEWSSTREAM_PORT        the HTTP port              (8080)
#   JAVA_OPTS              JVM options                (-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError
#                          when unset; set it empty for none)
#   NEWSSTREAM_CLUSTER     unset: this instance runs alone (--nocluster). Set, it joins the others through
#                          Payara Micro's Data Grid (Hazelcast) and the application shares their work
#                          (docs/deploying.md; needs a shared PostgreSQL):
#                            tcpip:HOST:PORT,HOST:PORT   fixed members
#                            kubernetes:NAMESPACE,SERVICE   discovery through a (headless) service
#                            dns:NAME:PORT                  members from a DNS name
#                            multicast[:GROUP:PORT]         multicast (Payara Micro's own default)
#                            domain:DASHOST:PORT            a Payara Server domain's data grid
#   NEWSSTREAM_CLUSTER_NAME       the cluster's name; only instances with the same name join (newsstream)
#   NEWSSTREAM_CLUSTER_PORT       the first data grid port this instance tries (Payara Micro's default 6900)
#   NEWSSTREAM_CLUSTER_INTERFACE  the interface(s) the data grid listens on, e.g. 10.0.*.* (all)
#   NEWSSTREAM_CLUSTER_ADDRESS    the address peers reach this instance at, where NAT hides it (docker)
# Further arguments are passed on to Payara Micro unchanged (e.g. --outputuberjar FILE).
# The application's own settings come from MicroProfile Config, e.g. NEWSSTREAM_SOURCES=/path/sources.json.
set -eu

PAYARA_MICRO_JAR="${PAYARA_MICRO_JAR:-/opt/payara/payara-micro.jar}"
NEWSSTREAM_WAR="${NEWSSTREAM_WAR:-/opt/payara/deployments/newsstream.war}"
NEWSSTREAM_CONFIG_DIR="${NEWSSTREAM_CONFIG_DIR:-/opt/payara/config}"
NEWSSTREAM_PORT="${NEWSSTREAM_PORT:-8080}"
JAVA_OPTS="${JAVA_OPTS--XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError}"

PRE_BOOT="$NEWSSTREAM_CONFIG_DIR/pre-boot-commands.asadmin"
POST_BOOT="$NEWSSTREAM_CONFIG_DIR/post-boot-commands.asadmin"

fail() {
    echo "start.sh: $*" >&2
    exit 64
}

require_file() { # file, variable that points at it
    [ -f "$1" ] || fail "$1 does not exist; set $2 to the right path"
    [ -r "$1" ] || fail "$1 is not readable; check $2 and the file's permissions"
}

require_file "$PAYARA_MICRO_JAR" PAYARA_MICRO_JAR
require_file "$NEWSSTREAM_WAR" NEWSSTREAM_WAR
require_file "$PRE_BOOT" "NEWSSTREAM_CONFIG_DIR (a directory holding the files of server-config/)"
require_file "$POST_BOOT" "NEWSSTREAM_CONFIG_DIR (a directory holding the files of server-config/)"
case "$NEWSSTREAM_PORT" in
    '' | *[!0-9]*) fail "NEWSSTREAM_PORT must be a port number, not '$NEWSSTREAM_PORT'" ;;
esac

# The root context is given as "--deploy WAR:/" rather than "--contextroot /": Payara Micro
# 6.2025.10 honours --contextroot when it deploys a WAR from the command line, but an uber jar
# made with --outputuberjar records it and then ignores it (the app lands at /newsstream).
# The "WAR:/" form is written into the uber jar (MICRO-INF/deploy/contexts.properties) and is
# honoured by both. The separator is ':' (Java's File.pathSeparator), so NEWSSTREAM_WAR must
# not contain ':' itself.
case "$NEWSSTREAM_WAR" in
    *:*) fail "NEWSSTREAM_WAR must not contain ':' (Payara Micro reads what follows it as the context root): $NEWSSTREAM_WAR" ;;
esac

# Clustering: the application reads NEWSSTREAM_CLUSTER itself (MicroProfile Config) to share its work;
# this turns it into Payara Micro's options. "set --" collects them without word-splitting surprises.
NEWSSTREAM_CLUSTER="${NEWSSTREAM_CLUSTER:-}"
case "$NEWSSTREAM_CLUSTER" in
    '' | none) set -- --nocluster "$@" ;;
    multicast) set -- "$@" ;;
    tcpip:?* | kubernetes:?* | dns:?* | multicast:?* | domain:?*) set -- --clustermode "$NEWSSTREAM_CLUSTER" "$@" ;;
    *) fail "NEWSSTREAM_CLUSTER must be tcpip:HOST:PORT,..., kubernetes:NAMESPACE,SERVICE, dns:NAME:PORT, multicast[:GROUP:PORT] or domain:HOST:PORT, not '$NEWSSTREAM_CLUSTER'" ;;
esac
if [ -n "$NEWSSTREAM_CLUSTER" ] && [ "$NEWSSTREAM_CLUSTER" != none ]; then
    set -- --clustername "${NEWSSTREAM_CLUSTER_NAME:-newsstream}" "$@"
    if [ -n "${NEWSSTREAM_CLUSTER_PORT:-}" ]; then
        case "$NEWSSTREAM_CLUSTER_PORT" in
            *[!0-9]*) fail "NEWSSTREAM_CLUSTER_PORT must be a port number, not '$NEWSSTREAM_CLUSTER_PORT'" ;;
        esac
        set -- --startport "$NEWSSTREAM_CLUSTER_PORT" "$@"
    fi
    if [ -n "${NEWSSTREAM_CLUSTER_INTERFACE:-}" ]; then set -- --interfaces "$NEWSSTREAM_CLUSTER_INTERFACE" "$@"; fi
    if [ -n "${NEWSSTREAM_CLUSTER_ADDRESS:-}" ]; then set -- --hzpublicaddress "$NEWSSTREAM_CLUSTER_ADDRESS" "$@"; fi
fi

# JAVA_OPTS is split on spaces on purpose: it holds several options.
# shellcheck disable=SC2086
exec java $JAVA_OPTS -jar "$PAYARA_MICRO_JAR" \
    --port "$NEWSSTREAM_PORT" \
    --prebootcommandfile "$PRE_BOOT" \
    --postbootcommandfile "$POST_BOOT" \
    --deploy "$NEWSSTREAM_WAR:/" \
    "$@"
