"""Reads the revision map and the resolver's JSON plan for scripts/e2e.sh (stdlib only).

  e2e_json.py head MAP VERSION        the release's schema head
  e2e_json.py floor MAP VERSION       the lowest schema the release's own files can downgrade to
  e2e_json.py has-version MAP VERSION exit 0 when the map lists the release
  e2e_json.py newest MAP              the newest release in the map
  e2e_json.py field PLAN FIELD        a field of the plan printed by `run --output json`
"""
import json
import sys


def _load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _version_key(version):
    # Final releases only in the scenarios, so numeric parts are enough to order them.
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def main(argv):
    command, path, *rest = argv
    if command in ("head", "floor"):
        release = _load(path)["versions"].get(rest[0])
        if release is None:
            sys.exit(f"{path} has no release {rest[0]}")
        print(release[command])
    elif command == "has-version":
        sys.exit(0 if rest[0] in _load(path)["versions"] else 1)
    elif command == "newest":
        print(max(_load(path)["versions"], key=_version_key))
    elif command == "field":
        try:
            value = _load(path)[rest[0]]
        except (ValueError, KeyError) as e:
            sys.exit(f"{path}: no JSON plan with field {rest[0]} ({e})")
        print(value if isinstance(value, str) else json.dumps(value))
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
