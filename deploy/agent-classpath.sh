#!/bin/sh
# Prints the agent's reduced class path for an installed distribution: the launcher jar, the agent's jar, the jars
# the agent module's build lists (agent/target/runtime-classpath.txt, entries lib/<jar>) and the logging jars the
# launcher adds (logback-classic, logback-core, jul-to-slf4j), each as HOME/<entry>. The same set bin/peregrine puts
# on the class path of `peregrine agent [-c FILE]`: the JVM opens every jar on its class path as it searches and
# keeps each one's index on the heap (docs/BENCHMARKS.md, "Agent start path").
#
#   deploy/agent-classpath.sh HOME LIST LIBDIR
#     HOME    where the distribution is installed (/opt/peregrine): the printed paths start with it
#     LIST    agent/target/runtime-classpath.txt of the build
#     LIBDIR  the build's dist/target/lib (or the installed lib/): every jar named must be there, else exit 1
#
# Used by deploy/docker/Dockerfile (the image's $PEREGRINE_HOME/agent.classpath) and the systemd install step
# (deploy/README.md, "Plain hosts": /opt/peregrine/agent.args, a java @argfile).
set -eu
home=$1
list=$2
libdir=$3
[ -f "$list" ] || { echo "agent-classpath: no $list (build the agent module first)" >&2; exit 1; }
extra=""
for pattern in 'peregrine-agent-*.jar' 'logback-classic-*.jar' 'logback-core-*.jar' 'jul-to-slf4j-*.jar'; do
  # shellcheck disable=SC2086 # the pattern is meant to glob
  set -- $libdir/$pattern
  [ -f "$1" ] || { echo "agent-classpath: no $pattern in $libdir" >&2; exit 1; }
  extra="$extra lib/$(basename "$1")"
done
out="$home/peregrine.jar"
# shellcheck disable=SC2086 # both lists are split into their entries (jar names hold no spaces)
for entry in $(tr ':' ' ' <"$list") $extra; do
  [ -f "$libdir/${entry#lib/}" ] || { echo "agent-classpath: $entry is not in $libdir (a stale list?)" >&2; exit 1; }
  out="$out:$home/$entry"
done
printf '%s\n' "$out"
