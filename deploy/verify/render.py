#!/usr/bin/env python3
"""Renders a kustomization the way `kustomize build` would, for the features deploy/kubernetes uses, so that the
manifests can be checked on a machine without kustomize or kubectl.

Supported: resources (files and directories), namespace, configMapGenerator (files, literals; behavior create,
merge, replace) with generatorOptions.labels, replicas, images, patches (strategic merge by kind and name, with $patch: delete; JSON 6902 with a
target; inline or from a path). Not done: the content-hash suffix of generated names (references are left as
written, which is what kustomize rewrites them from).

Usage: render.py DIR [--json]   (YAML stream on stdout; --json for a JSON list)
"""
import copy
import json
import os
import sys

import yaml

CLUSTER_SCOPED = {"Namespace", "PriorityClass", "ClusterRole", "ClusterRoleBinding", "StorageClass",
                  "CustomResourceDefinition", "PersistentVolume"}
# Strategic merge keys of the lists the manifests patch (k8s.io/api patchMergeKey); other lists are replaced.
MERGE_KEYS = {"containers": "name", "initContainers": "name", "env": "name", "volumes": "name",
              "volumeMounts": "name", "imagePullSecrets": "name", "ports": "containerPort"}


class RenderError(Exception):
    pass


def load_docs(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def key_of(obj):
    return obj.get("kind"), obj.get("metadata", {}).get("name")


def strategic_merge(base, patch):
    if not isinstance(base, dict) or not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(base)
    for k, v in patch.items():
        if k == "$patch":
            continue
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = strategic_merge(out[k], v)
        elif isinstance(v, list) and isinstance(out.get(k), list) and k in MERGE_KEYS:
            mk = MERGE_KEYS[k]
            merged = copy.deepcopy(out[k])
            for item in v:
                idx = next((i for i, b in enumerate(merged) if isinstance(b, dict) and b.get(mk) == item.get(mk)),
                           None)
                if idx is None:
                    merged.append(copy.deepcopy(item))
                elif item.get("$patch") == "delete":
                    merged.pop(idx)
                else:
                    merged[idx] = strategic_merge(merged[idx], item)
            out[k] = merged
        else:
            out[k] = copy.deepcopy(v)
    return out


def json_pointer_parts(path):
    return [p.replace("~1", "/").replace("~0", "~") for p in path.lstrip("/").split("/")]


def json6902(obj, ops):
    obj = copy.deepcopy(obj)
    for op in ops:
        parts = json_pointer_parts(op["path"])
        parent = obj
        for p in parts[:-1]:
            parent = parent[int(p)] if isinstance(parent, list) else parent[p]
        last = parts[-1]
        kind = op["op"]
        if isinstance(parent, list):
            idx = len(parent) if last == "-" else int(last)
            if kind == "add":
                parent.insert(idx, op["value"])
            elif kind == "remove":
                parent.pop(idx)
            elif kind == "replace":
                parent[idx] = op["value"]
            else:
                raise RenderError("unsupported op " + kind)
        else:
            if kind in ("remove", "replace") and last not in parent:
                raise RenderError("json patch %s: path %s does not exist" % (kind, op["path"]))
            if kind == "remove":
                del parent[last]
            elif kind in ("add", "replace"):
                parent[last] = op["value"]
            else:
                raise RenderError("unsupported op " + kind)
    return obj


def matches_target(obj, target):
    api = obj.get("apiVersion", "")
    group, _, version = api.rpartition("/")
    if "kind" in target and target["kind"] != obj.get("kind"):
        return False
    if "name" in target and target["name"] != obj.get("metadata", {}).get("name"):
        return False
    if "group" in target and target["group"] != group:
        return False
    if "version" in target and target["version"] != version:
        return False
    return True


def generate_configmap(gen, base_dir):
    data = {}
    for f in gen.get("files", []):
        key, _, rel = f.partition("=") if "=" in f else (os.path.basename(f), "", f)
        with open(os.path.join(base_dir, rel)) as fh:
            data[key] = fh.read()
    for lit in gen.get("literals", []):
        if "=" not in lit or lit.startswith("="):
            raise RenderError("invalid literal " + lit)
        k, v = lit.split("=", 1)
        data[k] = v.strip("\"'")
    meta = {"name": gen["name"]}
    if "namespace" in gen:
        meta["namespace"] = gen["namespace"]
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data}


def render(dir_path):
    kfile = os.path.join(dir_path, "kustomization.yaml")
    if not os.path.exists(kfile):
        raise RenderError("no kustomization.yaml in " + dir_path)
    k = load_docs(kfile)[0]
    if k.get("kind") != "Kustomization":
        raise RenderError(kfile + ": kind must be Kustomization")
    known = {"apiVersion", "kind", "namespace", "resources", "configMapGenerator", "generatorOptions", "replicas",
             "images", "patches"}
    unknown = set(k) - known
    if unknown:
        raise RenderError("%s: fields this renderer does not support: %s" % (kfile, sorted(unknown)))
    objs = []
    for r in k.get("resources", []):
        p = os.path.normpath(os.path.join(dir_path, r))
        if os.path.isdir(p):
            objs.extend(render(p))
        else:
            objs.extend(load_docs(p))
    for gen in k.get("configMapGenerator", []):
        cm = generate_configmap(gen, dir_path)
        labels = dict(k.get("generatorOptions", {}).get("labels", {}))
        if labels:
            cm["metadata"]["labels"] = labels
        behavior = gen.get("behavior", "create")
        existing = [i for i, o in enumerate(objs) if key_of(o) == ("ConfigMap", gen["name"])]
        if behavior == "create":
            if existing:
                raise RenderError("configMapGenerator %s: already exists (use behavior merge/replace)" % gen["name"])
            objs.append(cm)
        else:
            if not existing:
                raise RenderError("configMapGenerator %s: behavior %s but nothing to %s" % (gen["name"], behavior,
                                                                                          behavior))
            i = existing[0]
            if behavior == "merge":
                objs[i]["data"].update(cm["data"])
                objs[i]["metadata"].setdefault("labels", {}).update(cm["metadata"].get("labels", {}))
            else:
                objs[i] = cm
    for p in k.get("patches", []):
        if "path" in p:
            docs = load_docs(os.path.join(dir_path, p["path"]))
            patch = docs[0] if len(docs) == 1 else docs
        else:
            patch = yaml.safe_load(p["patch"])
        target = p.get("target")
        if isinstance(patch, list):  # JSON 6902
            if not target:
                raise RenderError("a JSON 6902 patch needs a target")
            hits = [i for i, o in enumerate(objs) if matches_target(o, target)]
            if not hits:
                raise RenderError("patch target %s matches nothing" % target)
            for i in hits:
                objs[i] = json6902(objs[i], patch)
        else:
            if target:
                hits = [i for i, o in enumerate(objs) if matches_target(o, target)]
            else:
                hits = [i for i, o in enumerate(objs) if key_of(o) == key_of(patch)]
            if not hits:
                raise RenderError("strategic merge patch for %s/%s matches nothing" % key_of(patch))
            if patch.get("$patch") == "delete":
                objs = [o for i, o in enumerate(objs) if i not in hits]
            else:
                for i in hits:
                    objs[i] = strategic_merge(objs[i], patch)
    for rep in k.get("replicas", []):
        hits = [o for o in objs if o.get("metadata", {}).get("name") == rep["name"]
                and o.get("kind") in ("Deployment", "StatefulSet", "ReplicaSet")]
        if not hits:
            raise RenderError("replicas: no workload named " + rep["name"])
        for o in hits:
            o["spec"]["replicas"] = rep["count"]
    for img in k.get("images", []):
        for o in objs:
            pod = o.get("spec", {}).get("template", {}).get("spec", {})
            for c in pod.get("containers", []) + pod.get("initContainers", []):
                name, _, tag = c["image"].partition(":")
                if name == img["name"]:
                    c["image"] = img.get("newName", name) + ":" + str(img.get("newTag", tag))
    if "namespace" in k:
        for o in objs:
            if o.get("kind") not in CLUSTER_SCOPED:
                o.setdefault("metadata", {})["namespace"] = k["namespace"]
    return objs


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        objs = render(argv[1])
    except (RenderError, OSError, KeyError, ValueError, IndexError) as e:
        print("render: %s" % e, file=sys.stderr)
        return 1
    if "--json" in argv:
        json.dump(objs, sys.stdout, indent=1)
    else:
        yaml.safe_dump_all(objs, sys.stdout, sort_keys=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
