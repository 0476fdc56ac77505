#!/usr/bin/env bash
# Checks everything in deploy/ that can be checked without a Docker engine or a cluster:
#   1. yamllint on every YAML file;
#   2. each kustomization rendered by the real kustomize (`kubectl kustomize`) and checked against the Kubernetes
#      OpenAPI schemas with unknown fields refused (schema.mjs, npm package kubernetes-models);
#   3. the project's rules on the rendered objects (check.py): labels, probes, resources, security contexts, ports,
#      references, the rings against the StatefulSets, the HPA; and, when dist/target holds a built distribution,
#      every container's configuration loaded by the real launcher with the environment the pod would have;
#   4. the Dockerfile linted (npm package dockerfile-utils) and its ENTRYPOINT run as Docker would (sh -c); the
#      systemd example config loaded by the launcher;
#   5. systemd-analyze verify on the unit files.
# Needs kubectl, yamllint, python3 with PyYAML, node/npm (installs kubernetes-models into a cache directory), java,
# systemd-analyze. The Debian packages among them are installed when missing (as root, with apt-get); a tool still
# missing is reported and its step counted as failed, never silently skipped.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
deploy="$(dirname "$here")"
root="$(dirname "$deploy")"
cache="${PEREGRINE_VERIFY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/peregrine-deploy-verify}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0
step() { printf '\n== %s\n' "$*"; }
bad() { echo "FAILED: $*"; failed=$((failed + 1)); }
need() { command -v "$1" >/dev/null || { bad "$1 is not installed"; return 1; }; }
apt_updated=0
install() { # install TEST PACKAGE: installs the Debian package when TEST (a command) fails
  eval "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "cannot install $2: needs root and apt-get"; return 1
  fi
  if [ "$apt_updated" = 0 ]; then apt-get update -qq >/dev/null 2>&1; apt_updated=1; fi
  echo "installing $2"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null 2>&1 || echo "apt-get install $2 failed"
}

step "tools"
install "command -v yamllint" yamllint
install "command -v kubectl" kubectl
install "python3 -c 'import yaml'" python3-yaml
install "command -v systemd-analyze" systemd
install "command -v node" nodejs
install "command -v npm" npm
command -v kubectl >/dev/null && kubectl version --client 2>/dev/null | sed 's/^/  /'

step "yamllint"
if need yamllint; then
  yamllint -c "$here/yamllint.yaml" "$deploy/kubernetes" "$here/yamllint.yaml" || bad "yamllint kubernetes/"
  yamllint -c "$here/yamllint.yaml" - < "$deploy/systemd/peregrine.yaml.example" || bad "yamllint peregrine.yaml.example"
fi

step "npm packages: kubernetes-models (schemas), dockerfile-utils (Dockerfile lint)"
schema_ok=0
if need node && need npm; then
  if [ ! -d "$cache/node_modules/kubernetes-models" ] || [ ! -d "$cache/node_modules/dockerfile-utils" ]; then
    if ! (mkdir -p "$cache" && npm install --silent --no-audit --no-fund --prefix "$cache" kubernetes-models@5.1.0 dockerfile-utils@0.16.3); then
      bad "npm install kubernetes-models"
    fi
  fi
  [ -d "$cache/node_modules/kubernetes-models" ] && schema_ok=1
fi

classpath=""
if [ -f "$root/dist/target/peregrine.jar" ] && need java; then
  # a private copy: someone may rebuild dist/ meanwhile
  cp -r "$root/dist/target/peregrine.jar" "$root/dist/target/lib" "$work/"
  classpath="$work/peregrine.jar:$work/lib/*"
else
  bad "no built distribution (dist/target/peregrine.jar): run ./mvnw -B -DskipTests package first"
fi

for overlay in base overlays/node-subset overlays/production; do
  name="$(basename "$overlay")"
  step "render + check kubernetes/$overlay"
  need kubectl || continue
  if ! kubectl kustomize "$deploy/kubernetes/$overlay" > "$work/$name.yaml" \
    || ! python3 -c 'import json, sys, yaml; json.dump([d for d in yaml.safe_load_all(sys.stdin) if d], sys.stdout)' \
      < "$work/$name.yaml" > "$work/$name.json"; then
    bad "render $overlay"; continue
  fi
  if [ "$schema_ok" = 1 ]; then
    NODE_PATH="$cache/node_modules" node "$here/schema.mjs" "$work/$name.json" || bad "schema $overlay"
  fi
  args=("$work/$name.json")
  [ -n "$classpath" ] && args+=(--launcher-cp "$classpath")
  secret=(--secret-example "$deploy/kubernetes/base/hbs-database-secret.example.yaml")
  if [ "$overlay" = overlays/production ]; then
    # production requires the Secret: hbs gets the example Secret's database
    python3 "$here/check.py" "${args[@]}" "${secret[@]}" || bad "rules $overlay"
  else
    # a trial without the Secret (hbs on the H2 file of peregrine.yaml), then with it
    python3 "$here/check.py" "${args[@]}" || bad "rules $overlay"
    [ -n "$classpath" ] && { python3 "$here/check.py" "${args[@]}" "${secret[@]}" || bad "rules $overlay with the Secret"; }
  fi
done

step "Dockerfile lint"
if [ -x "$cache/node_modules/.bin/dockerfile-utils" ]; then
  if "$cache/node_modules/.bin/dockerfile-utils" lint "$deploy/docker/Dockerfile"; then
    echo "ok   Dockerfile"
  else
    bad "Dockerfile lint"
  fi
else
  bad "dockerfile-utils is not installed"
fi

step "Dockerfile ENTRYPOINT, run as Docker would"
if [ -n "$classpath" ]; then
  # the image's agent class path, as its build stage writes it (deploy/agent-classpath.sh)
  sh "$deploy/agent-classpath.sh" "$work" "$root/agent/target/runtime-classpath.txt" "$work/lib" >"$work/agent.classpath" \
    || bad "agent-classpath.sh"
  python3 - "$deploy/docker/Dockerfile" "$work" "$deploy/kubernetes/base/config/peregrine.yaml" <<'EOF' || bad "ENTRYPOINT"
import json, os, re, subprocess, sys
df = open(sys.argv[1]).read()
entrypoint = json.loads(re.search(r"^ENTRYPOINT (\[.*\])$", df, re.M).group(1))
cmd = json.loads(re.search(r"^CMD (\[.*\])$", df, re.M).group(1))
env = {k: v for k, v in os.environ.items() if not k.startswith("PEREGRINE_")}
env.update(PEREGRINE_HOME=sys.argv[2], JAVA_OPTS="")
def run(args, **extra):
    return subprocess.run(entrypoint + args, capture_output=True, text=True, env=dict(env, **extra), timeout=120)
def flag(out, name):
    return next(l.split()[3] for l in out.splitlines() if " %s " % name in l)
checks = [
    ("CMD prints the usage", lambda: run(cmd).stdout.startswith("Usage: peregrine")),
    ("`transfer --help` reaches the transfer command", lambda: "peregrine transfer" in run(["transfer", "--help"]).stdout),
    ("MaxRAMPercentage is 60 by default", lambda: flag(run(["--version"], JAVA_OPTS="-XX:+PrintFlagsFinal").stdout,
                                                       "MaxRAMPercentage") == "60.000000"),
    ("JAVA_OPTS overrides it", lambda: flag(run(["--version"], JAVA_OPTS="-XX:MaxRAMPercentage=40 -XX:+PrintFlagsFinal")
                                           .stdout, "MaxRAMPercentage") == "40.000000"),
    ("the cluster config loads", lambda: run(["config", "--config", sys.argv[3]]).returncode == 0),
    # -XshowSettings prints the class path, then the launcher exits on the missing file (status 2)
    ("`agent --config FILE` gets only the agent's jars", lambda: (lambda out: "peregrine-agent-" in out
        and "picocli" not in out)(run(["agent", "--config", "/nonexistent.yaml"],
        JAVA_OPTS="-XshowSettings:properties").stderr)),
    ("`agent --help` gets lib/* (picocli among it)", lambda: "picocli" in run(["agent", "--help"],
        JAVA_OPTS="-XshowSettings:properties").stderr),
]
ok = True
for what, check in checks:
    passed = check()
    ok &= passed
    print(("ok   " if passed else "FAIL ") + what)
sys.exit(0 if ok else 1)
EOF
  if java -cp "$classpath" io.peregrine.dist.Peregrine config --config "$deploy/systemd/peregrine.yaml.example" >/dev/null
  then
    echo "ok   systemd/peregrine.yaml.example loads"
  else
    bad "systemd/peregrine.yaml.example does not load"
  fi
fi

step "systemd-analyze verify"
if need systemd-analyze; then
  out="$(cd "$deploy/systemd" && systemd-analyze verify --man=no ./peregrine-*.service 2>&1)"
  units=("$deploy"/systemd/peregrine-*.service)
  if [ -n "$out" ]; then echo "$out"; bad "systemd-analyze verify"; else echo "ok   ${#units[@]} units"; fi
fi

echo
if [ "$failed" -eq 0 ]; then echo "deploy/verify: all checks passed"; else echo "deploy/verify: $failed step(s) failed"; fi
exit $((failed > 0))
