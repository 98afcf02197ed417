#!/usr/bin/env python3
"""Splits a rendered chart into the order Argo CD syncs it (the e2e has no Argo CD, so it applies these by hand).

    kubectl create --dry-run=client -o json -f rendered.yaml | argo_phases.py OUT_DIR

Writes OUT_DIR/NN-PHASE-WAVE.json, each a List of the objects Argo CD applies together: PreSync hooks by sync wave,
then the Sync phase (plain objects and Sync hooks) by wave, then PostSync hooks by wave; and beside each a .policy
file with one line per hook and delete policy: `POLICY KIND NAME` (BeforeHookCreation, HookSucceeded, HookFailed).
Standard library only.
"""
import json
import os
import sys

PHASES = ["PreSync", "Sync", "PostSync"]


def objects(text):
    """The objects of kubectl's output: one JSON document an object, a List's items for a List."""
    decoder, position, found = json.JSONDecoder(), 0, []
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            return found
        document, position = decoder.raw_decode(text, position)
        found.extend(document.get("items", []) if document.get("kind") == "List" else [document])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    groups = {}
    for item in objects(sys.stdin.read()):
        annotations = item.get("metadata", {}).get("annotations") or {}
        phase = annotations.get("argocd.argoproj.io/hook", "Sync")
        if phase not in PHASES:
            sys.exit(f"argo_phases: {item['kind']}/{item['metadata']['name']}: hook {phase} is not simulated")
        wave = int(annotations.get("argocd.argoproj.io/sync-wave", "0"))
        policies = annotations.get("argocd.argoproj.io/hook-delete-policy", "")
        group = groups.setdefault((PHASES.index(phase), wave), {"items": [], "policies": []})
        group["items"].append(item)
        if "argocd.argoproj.io/hook" in annotations:
            group["policies"].extend(f"{p.strip()} {item['kind']} {item['metadata']['name']}"
                                     for p in policies.split(",") if p.strip())
    for number, ((phase, wave), group) in enumerate(sorted(groups.items())):
        name = os.path.join(out, f"{number:02d}-{PHASES[phase]}-{wave}")
        with open(name + ".json", "w", encoding="utf-8") as f:
            json.dump({"apiVersion": "v1", "kind": "List", "items": group["items"]}, f)
        with open(name + ".policy", "w", encoding="utf-8") as f:
            f.write("".join(p + "\n" for p in group["policies"]))


if __name__ == "__main__":
    main()
