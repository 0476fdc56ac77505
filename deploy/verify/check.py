#!/usr/bin/env python3
"""Checks rendered manifests (`kubectl kustomize` output as a JSON list) for the rules deploy/README.md promises, and, when the
distribution is built, that every Peregrine container's configuration loads in the real launcher.

Usage: check.py RENDERED.json [--launcher-cp CLASSPATH] [--secret-example FILE]
Exit status 0 when every check passed; each failure is printed as `FAIL <object>: <why>`.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

COMPONENTS = {"agent", "transfer", "graph", "judge", "sender", "hbs"}
WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet"}
REQUIRED_LABELS = ("app.kubernetes.io/name", "app.kubernetes.io/component", "app.kubernetes.io/part-of")
# Containers allowed to run as root, and why: see agent.yaml.
ROOT_ALLOWED = {("agent", "spool-owner")}
# Secrets created by the operator, not by the manifests.
EXTERNAL_SECRETS = {"peregrine-hbs-database", "peregrine-auth"}
# Secrets whose values only an admin can make (tokens of hbs): a stand-in value is loaded in their place.
STAND_IN_SECRETS = {"peregrine-auth": "pgr_stand-in-token"}

failures = []


def fail(obj, why):
    failures.append("FAIL %s/%s: %s" % (obj.get("kind"), obj.get("metadata", {}).get("name"), why))


def pod_spec(o):
    return o["spec"]["template"]["spec"]


def containers(o, init=True):
    ps = pod_spec(o)
    return [(c, False) for c in ps.get("containers", [])] + \
        ([(c, True) for c in ps.get("initContainers", [])] if init else [])


def effective(ps, c, key):
    sc = c.get("securityContext", {})
    return sc[key] if key in sc else ps.get("securityContext", {}).get(key)


CLUSTER_SCOPED = ("Namespace", "PriorityClass", "ClusterRole", "ClusterRoleBinding")


def check_workload(o, by_kind):
    name = o["metadata"]["name"]
    meta_labels = o["metadata"].get("labels", {})
    tpl = o["spec"]["template"]
    tpl_labels = tpl["metadata"].get("labels", {})
    for lbl in REQUIRED_LABELS:
        if lbl not in meta_labels or lbl not in tpl_labels:
            fail(o, "label %s missing on the object or its pod template" % lbl)
    if tpl_labels.get("app.kubernetes.io/part-of") != "peregrine":
        fail(o, "pod template is not part-of=peregrine")
    sel = o["spec"]["selector"]["matchLabels"]
    if any(tpl_labels.get(k) != v for k, v in sel.items()):
        fail(o, "selector %s does not match the template labels" % sel)
    if "prometheus.io/scrape" not in tpl["metadata"].get("annotations", {}):
        fail(o, "no prometheus.io/scrape annotation")
    ps = pod_spec(o)
    if ps.get("automountServiceAccountToken") is not False:
        fail(o, "service account token is mounted (no component calls the API server)")
    if ps.get("securityContext", {}).get("seccompProfile", {}).get("type") != "RuntimeDefault":
        fail(o, "pod seccompProfile is not RuntimeDefault")
    volumes = {v["name"]: v for v in ps.get("volumes", [])}
    for c, is_init in containers(o):
        cname = c["name"]
        where = "container %s" % cname
        res = c.get("resources", {})
        for kind in ("requests", "limits"):
            for r in ("cpu", "memory"):
                if r not in res.get(kind, {}):
                    fail(o, "%s: resources.%s.%s missing" % (where, kind, r))
        sc = c.get("securityContext", {})
        if sc.get("allowPrivilegeEscalation") is not False:
            fail(o, "%s: allowPrivilegeEscalation is not false" % where)
        if "ALL" not in sc.get("capabilities", {}).get("drop", []):
            fail(o, "%s: capabilities do not drop ALL" % where)
        if sc.get("privileged"):
            fail(o, "%s: privileged" % where)
        if sc.get("readOnlyRootFilesystem") is not True:
            fail(o, "%s: root filesystem is writable" % where)
        if (name, cname) not in ROOT_ALLOWED:
            if effective(ps, c, "runAsNonRoot") is not True:
                fail(o, "%s: runAsNonRoot is not true" % where)
            if sc.get("capabilities", {}).get("add"):
                fail(o, "%s: adds capabilities" % where)
        ports = {p["name"]: p["containerPort"] for p in c.get("ports", []) if "name" in p}
        numbers = {p["containerPort"] for p in c.get("ports", [])}
        if not is_init:
            for probe in ("livenessProbe", "readinessProbe"):
                if probe not in c:
                    fail(o, "%s: no %s" % (where, probe))
            for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                p = c.get(probe)
                if not p:
                    continue
                action = p.get("httpGet") or p.get("grpc") or p.get("tcpSocket")
                if action is None:
                    continue
                port = action["port"]
                if isinstance(port, str) and port not in ports:
                    fail(o, "%s: %s uses port name %s, not declared" % (where, probe, port))
                if isinstance(port, int) and port not in numbers:
                    fail(o, "%s: %s uses port %d, not declared" % (where, probe, port))
        for m in c.get("volumeMounts", []):
            if m["name"] not in volumes and m["name"] not in {t["metadata"]["name"]
                                                               for t in o["spec"].get("volumeClaimTemplates", [])}:
                fail(o, "%s: mounts unknown volume %s" % (where, m["name"]))
        for e in c.get("env", []):
            ref = e.get("valueFrom", {})
            if "configMapKeyRef" in ref:
                cm = by_kind.get(("ConfigMap", ref["configMapKeyRef"]["name"]))
                if cm is None or ref["configMapKeyRef"]["key"] not in cm.get("data", {}):
                    fail(o, "%s: env %s refers to a missing ConfigMap key %s" % (where, e["name"],
                                                                                 ref["configMapKeyRef"]))
            if "secretKeyRef" in ref and ref["secretKeyRef"]["name"] not in EXTERNAL_SECRETS \
                    and ("Secret", ref["secretKeyRef"]["name"]) not in by_kind:
                fail(o, "%s: env %s refers to a missing Secret" % (where, e["name"]))
        # a component listening on loopback in a pod cannot be reached: every listen env but the agent's is 0.0.0.0
        for e in c.get("env", []):
            m = re.match(r"PEREGRINE_(\w+?)_(GRPC_|HTTP_)?LISTEN$", e["name"])
            if m and "value" in e:
                host, _, port = e["value"].rpartition(":")
                if int(port) not in numbers:
                    fail(o, "%s: %s=%s but port %s is not declared" % (where, e["name"], e["value"], port))
                if name != "agent" and host != "0.0.0.0":
                    fail(o, "%s: %s listens on %s, unreachable from other pods" % (where, e["name"], host))
    for v in volumes.values():
        if "configMap" in v and ("ConfigMap", v["configMap"]["name"]) not in by_kind:
            fail(o, "volume %s refers to a missing ConfigMap %s" % (v["name"], v["configMap"]["name"]))


def check_agent(o):
    ps = pod_spec(o)
    for key, want in (("hostNetwork", True), ("hostPID", True), ("dnsPolicy", "ClusterFirstWithHostNet")):
        if ps.get(key) != want:
            fail(o, "%s should be %s" % (key, want))
    agent = next(c for c in ps["containers"] if c["name"] == "agent")
    env = {e["name"]: e for e in agent.get("env", [])}
    if env.get("NODE_NAME", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") != "spec.nodeName":
        fail(o, "NODE_NAME is not taken from spec.nodeName")
    if env.get("PEREGRINE_AGENT_LISTEN", {}).get("value", "").split(":")[0] == "127.0.0.1":
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            if agent.get(probe, {}).get("httpGet", {}).get("host") != "127.0.0.1":
                fail(o, "%s must probe host 127.0.0.1: the agent listens on the node's loopback" % probe)
    mounts = {m["mountPath"]: m for m in agent["volumeMounts"]}
    vols = {v["name"]: v for v in ps["volumes"]}
    for path, host in (("/host/proc", "/proc"), ("/host/sys", "/sys"), ("/host/root", "/")):
        m = mounts.get(path)
        if not m or not m.get("readOnly") or vols[m["name"]].get("hostPath", {}).get("path") != host:
            fail(o, "%s must be the host's %s, read-only" % (path, host))
    tol = {(t.get("key"), t.get("effect")) for t in ps.get("tolerations", [])}
    if ("node-role.kubernetes.io/control-plane", "NoSchedule") not in tol and (None, None) not in tol:
        fail(o, "no toleration for the control-plane taint")
    upd = o["spec"].get("updateStrategy", {})
    if upd.get("type") != "RollingUpdate" or "maxUnavailable" not in upd.get("rollingUpdate", {}):
        fail(o, "updateStrategy is not RollingUpdate with maxUnavailable")
    if not ps.get("priorityClassName"):
        fail(o, "no priorityClassName: a full node would not make room for the agent")
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        if probe not in agent:
            fail(o, "no %s" % probe)
    # the kubelet's /pods: a token projected into the agent container only, and the kubelet URL from status.hostIP
    token = [v for v in ps["volumes"]
             for src in v.get("projected", {}).get("sources", []) if "serviceAccountToken" in src]
    mounted = mounts.get("/var/run/secrets/kubernetes.io/serviceaccount", {}).get("name")
    if len(token) != 1 or mounted != token[0]["name"]:
        fail(o, "the agent container must mount one projected service-account token at the standard path")
    elif any(m["name"] == token[0]["name"] for c in ps.get("initContainers", []) for m in c.get("volumeMounts", [])):
        fail(o, "an init container mounts the agent's token")
    if env.get("HOST_IP", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") != "status.hostIP":
        fail(o, "HOST_IP is not taken from status.hostIP")


# The roles the pipeline's accounts may have, by account: the agent's the kubelet's /pods, transfer's (production,
# auth.nodePods) the pods of each node; no other account has a role.
ROLE_RULES = {
    "agent": [{"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]}],
    "transfer": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]}],
}


def check_rbac(objs, by_kind):
    """The agent's account may get nodes/proxy (the kubelet's /pods), transfer's list pods, and nothing else."""
    agent = by_kind.get(("DaemonSet", "agent"))
    account = pod_spec(agent).get("serviceAccountName") if agent else None
    transfer = by_kind.get(("Deployment", "transfer"))
    accounts = {"agent": (account, agent["metadata"].get("namespace") if agent else None),
                "transfer": (pod_spec(transfer).get("serviceAccountName") if transfer else None,
                             transfer["metadata"].get("namespace") if transfer else None)}
    bound = {}
    for o in objs:
        if o["kind"] in ("RoleBinding", "ClusterRoleBinding"):
            bound[o["roleRef"]["name"]] = [(x.get("kind"), x.get("name"), x.get("namespace"))
                                           for x in o.get("subjects", [])]
    for o in objs:
        if o["kind"] in ("Role", "ClusterRole"):
            rules = o.get("rules", [])
            if rules not in ROLE_RULES.values():
                fail(o, "grants more than get on nodes/proxy (agent) or list on pods (transfer): %s" % rules)
            elif rules == ROLE_RULES["transfer"] and bound.get(o["metadata"]["name"]) not in (
                    None, [("ServiceAccount",) + accounts["transfer"]]):
                fail(o, "list on pods is bound to %s, not only transfer's account" % bound.get(o["metadata"]["name"]))
            elif rules == ROLE_RULES["agent"] and bound.get(o["metadata"]["name"]) not in (
                    None, [("ServiceAccount", account, accounts["agent"][1])]):
                fail(o, "get on nodes/proxy is bound to %s, not only the agent's account" % bound.get(o["metadata"]["name"]))
        if o["kind"] in ("RoleBinding", "ClusterRoleBinding"):
            subjects = [(x.get("kind"), x.get("name"), x.get("namespace")) for x in o.get("subjects", [])]
            if subjects not in ([("ServiceAccount",) + a] for a in accounts.values() if a[0]):
                fail(o, "binds %s, not only the agent's service account %s or transfer's" % (subjects, account))
            if ("ClusterRole", o["roleRef"]["name"]) not in by_kind and ("Role", o["roleRef"]["name"]) not in by_kind:
                fail(o, "refers to a missing role %s" % o["roleRef"]["name"])
    if account and ("ServiceAccount", account) not in by_kind:
        fail(agent, "service account %s is missing" % account)
    check_transfer_pods_access(transfer, by_kind, bound, accounts["transfer"])
    if account and not any(o["kind"] == "ClusterRoleBinding" for o in objs):
        fail(agent, "no ClusterRoleBinding gives the agent's account the kubelet's /pods")


def check_transfer_pods_access(transfer, by_kind, bound, account):
    """transfer with auth.nodePods on: its account may list pods, its token is projected at the standard path."""
    if not transfer:
        return
    c = next(c for c, _ in containers(transfer, init=False) if c["name"] == "transfer")
    env = {e["name"]: e.get("value") for e in c.get("env", [])}
    if env.get("PEREGRINE_TRANSFER_AUTH_NODE_PODS_ENABLED") != "true":
        return
    if ("ServiceAccount", account[0]) not in by_kind:
        fail(transfer, "service account %s is missing" % account[0])
    if not any(o_rules == ROLE_RULES["transfer"] and bound.get(name) == [("ServiceAccount",) + account]
               for (kind, name), o in by_kind.items() if kind == "ClusterRole"
               for o_rules in [o.get("rules", [])]):
        fail(transfer, "auth.nodePods is on but no ClusterRole binds list on pods to its account %s" % account[0])
    ps = pod_spec(transfer)
    token = [v["name"] for v in ps.get("volumes", [])
             for src in v.get("projected", {}).get("sources", []) if "serviceAccountToken" in src]
    mounted = [m["name"] for m in c.get("volumeMounts", [])
               if m["mountPath"] == "/var/run/secrets/kubernetes.io/serviceaccount"]
    if len(token) != 1 or mounted != token:
        fail(transfer, "auth.nodePods is on: the transfer container must mount one projected service-account token "
                       "at the standard path")


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check_services(objs, by_kind):
    workloads = [o for o in objs if o["kind"] in WORKLOADS]
    for s in (o for o in objs if o["kind"] == "Service"):
        pods = [w for w in workloads if selects(s["spec"].get("selector"), w["spec"]["template"]["metadata"]["labels"])]
        if not pods:
            fail(s, "selects no workload")
            continue
        for p in s["spec"]["ports"]:
            tp = p.get("targetPort", p["port"])
            declared = [(q.get("name"), q["containerPort"]) for w in pods for c, _ in containers(w, init=False)
                        for q in c.get("ports", [])]
            if not any(tp in (n, num) for n, num in declared):
                fail(s, "targetPort %s is not a port of the selected pods" % tp)
    for pdb in (o for o in objs if o["kind"] == "PodDisruptionBudget"):
        if not any(selects(pdb["spec"]["selector"]["matchLabels"], w["spec"]["template"]["metadata"]["labels"])
                   for w in workloads):
            fail(pdb, "selects no workload")
    for sts in (o for o in objs if o["kind"] == "StatefulSet"):
        svc = by_kind.get(("Service", sts["spec"]["serviceName"]))
        if svc is None:
            fail(sts, "serviceName %s is not a Service" % sts["spec"]["serviceName"])
        elif sts["metadata"]["name"] in ("graph", "judge"):
            if svc["spec"].get("clusterIP") != "None" or not svc["spec"].get("publishNotReadyAddresses"):
                fail(svc, "must be headless with publishNotReadyAddresses (per-pod names of the ring)")
    for hpa in (o for o in objs if o["kind"] == "HorizontalPodAutoscaler"):
        ref = hpa["spec"]["scaleTargetRef"]
        target = by_kind.get((ref["kind"], ref["name"]))
        if target is None:
            fail(hpa, "scales a missing %s/%s" % (ref["kind"], ref["name"]))
        elif "replicas" in target["spec"]:
            fail(target, "has spec.replicas although an HPA owns its scale (every apply would reset it)")
        if target is not None and not any("cpu" in c.get("resources", {}).get("requests", {})
                                          for c, _ in containers(target, init=False)):
            fail(hpa, "target has no CPU request to compute utilization from")


def check_rings(objs, by_kind):
    # kustomize names a generated ConfigMap peregrine-ring-<content hash> and rewrites the references to it
    ring = by_kind.get(("ConfigMap", "peregrine-ring")) or next(
        (o for (kind, name), o in by_kind.items()
         if kind == "ConfigMap" and re.fullmatch(r"peregrine-ring-[a-z0-9]{10}", name or "")), None)
    if ring is None:
        fail({"kind": "ConfigMap", "metadata": {"name": "peregrine-ring"}}, "missing")
        return
    for key, sts_name, port in (("graphNodes", "graph", 6070), ("judgeNodes", "judge", 6080)):
        sts = by_kind.get(("StatefulSet", sts_name))
        ns = sts["metadata"].get("namespace", "default")
        want = ["%s-%d=%s-%d.%s.%s.svc:%d" % (sts_name, i, sts_name, i, sts["spec"]["serviceName"], ns, port)
                for i in range(sts["spec"].get("replicas", 1))]
        got = [x.strip() for x in ring["data"][key].split(",") if x.strip()]
        if got != want:
            fail(ring, "%s = %s, but the StatefulSet %s has pods %s" % (key, got, sts_name, want))


def env_for(c, by_kind, secret):
    env = {}
    for e in c.get("env", []):
        if "value" in e:
            env[e["name"]] = str(e["value"])
            continue
        ref = e.get("valueFrom", {})
        if "configMapKeyRef" in ref:
            env[e["name"]] = by_kind[("ConfigMap", ref["configMapKeyRef"]["name"])]["data"][ref["configMapKeyRef"]["key"]]
        elif "secretKeyRef" in ref and ref["secretKeyRef"]["name"] in STAND_IN_SECRETS:
            env[e["name"]] = STAND_IN_SECRETS[ref["secretKeyRef"]["name"]]
        elif "secretKeyRef" in ref and secret is not None:
            env[e["name"]] = str(secret["stringData"][ref["secretKeyRef"]["key"]])
        elif "fieldRef" in ref:
            env[e["name"]] = "192.0.2.10" if ref["fieldRef"]["fieldPath"] == "status.hostIP" else "node-1"
    # $(VAR) of an earlier variable is expanded, as the kubelet does
    for name, value in env.items():
        env[name] = re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: env.get(m.group(1), m.group(0)), value)
    return env


def stand_in_files(env, c, vols, tmp):
    """A `file:` value naming a file of a mounted Secret (made by cert-manager or an admin, not by the manifests) is
    pointed at a stand-in file with STAND_IN_SECRETS' value: the launcher reads such files when it loads the config."""
    for name, value in env.items():
        if not value.startswith("file:"):
            continue
        path = value[len("file:"):]
        m = next((m for m in c.get("volumeMounts", []) if path.startswith(m["mountPath"] + "/")
                  and "secret" in vols.get(m["name"], {})), None)
        if m is None:
            continue
        stand_in = os.path.join(tmp, "secret-" + vols[m["name"]]["secret"]["secretName"], os.path.basename(path))
        os.makedirs(os.path.dirname(stand_in), exist_ok=True)
        with open(stand_in, "w") as f:
            f.write(STAND_IN_SECRETS["peregrine-auth"])
        env[name] = "file:" + stand_in


def env_leaves(node, prefix, path):
    """Every leaf key of a config section by its environment variable name (nested blocks such as tls included):
    {"PEREGRINE_HBS_TLS_CLIENT_AUTH": ("tls.clientAuth", value)}."""
    out = {}
    for k, v in node.items():
        name = prefix + "_" + re.sub(r"([A-Z])", r"_\1", k).upper()
        key = path + k
        if isinstance(v, dict):
            out.update(env_leaves(v, name, key + "."))
        else:
            out[name] = (key, v)
    return out


def check_config(objs, by_kind, classpath, secret):
    """Runs `peregrine config --config <the ConfigMap's file>` with each container's environment (as the kubelet would
    set it) and checks that every PEREGRINE_* variable is one the launcher reads."""
    base = [os.environ.get("JAVA", "java"), "-cp", classpath, "io.peregrine.dist.Peregrine"]
    known = subprocess.run(base + ["config", "--env"], capture_output=True, text=True, timeout=120)
    if known.returncode != 0:
        failures.append("FAIL launcher: `config --env` failed: " + known.stderr.strip()[-500:])
        return 0
    names = set(known.stdout.split())
    checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        for o in (x for x in objs if x["kind"] in WORKLOADS):
            vols = {v["name"]: v for v in pod_spec(o).get("volumes", [])}
            for c, _ in containers(o, init=False):
                args = c.get("args", [])
                if not args or args[0] not in COMPONENTS:
                    continue
                cfg = args[args.index("--config") + 1]
                mount = next(m for m in c["volumeMounts"] if cfg.startswith(m["mountPath"] + "/"))
                cm = by_kind[("ConfigMap", vols[mount["name"]]["configMap"]["name"])]
                path = os.path.join(tmp, "%s-%s.yaml" % (o["metadata"]["name"], c["name"]))
                with open(path, "w") as f:
                    f.write(cm["data"][os.path.basename(cfg)])
                env = env_for(c, by_kind, secret)
                stand_in_files(env, c, vols, tmp)
                for n in env:
                    if n.startswith("PEREGRINE_") and n not in names and n != "PEREGRINE_LOG_LEVEL":
                        fail(o, "container %s: %s is not a variable the launcher reads" % (c["name"], n))
                run_env = {k: v for k, v in os.environ.items() if not k.startswith("PEREGRINE_")}
                run_env.update(env)
                r = subprocess.run(base + ["config", "--config", path], capture_output=True, text=True,
                                   env=run_env, timeout=120)
                if r.returncode != 0:
                    out = (r.stderr or r.stdout).strip().splitlines() or ["(no output)"]
                    why = next((line for line in out if "Exception" in line or "invalid" in line), out[0])
                    fail(o, "container %s: the launcher refuses its configuration: %s" % (c["name"], why[:400]))
                    continue
                effective_cfg = yaml.safe_load(r.stdout)[args[0]]
                leaves = env_leaves(effective_cfg, "PEREGRINE_%s" % args[0].upper(), "")
                for n, v in env.items():
                    if not n.startswith("PEREGRINE_%s_" % args[0].upper()) or n not in leaves:
                        continue
                    key, got = leaves[n]
                    got = ",".join(got) if isinstance(got, list) else str(got).lower() if isinstance(got, bool) \
                        else str(got)
                    if got == "<redacted>":
                        continue  # `peregrine config` never shows a secret (docs/SECURITY.md "Secrets")
                    if got.replace(" ", "") != v.replace(" ", ""):
                        fail(o, "container %s: %s=%s but the effective %s.%s is %s" % (c["name"], n, v, args[0],
                                                                                     key, got))
                checked += 1
    return checked


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        objs = json.load(f)
    by_kind = {(o["kind"], o["metadata"]["name"]): o for o in objs}
    if len(by_kind) != len(objs):
        failures.append("FAIL: two objects share a kind and name")
    for o in objs:
        if o["kind"] in WORKLOADS:
            check_workload(o, by_kind)
        if o["kind"] == "DaemonSet" and o["metadata"]["name"] == "agent":
            check_agent(o)
        if o["kind"] not in CLUSTER_SCOPED and not o["metadata"].get("namespace"):
            fail(o, "has no namespace")
    check_services(objs, by_kind)
    check_rbac(objs, by_kind)
    check_rings(objs, by_kind)
    checked = 0
    if "--launcher-cp" in argv:
        secret = None
        if "--secret-example" in argv:
            with open(argv[argv.index("--secret-example") + 1]) as f:
                secret = yaml.safe_load(f)
        checked = check_config(objs, by_kind, argv[argv.index("--launcher-cp") + 1], secret)
    for line in failures:
        print(line)
    print("%d objects, %d container configurations loaded by the launcher, %d failures"
          % (len(objs), checked, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
