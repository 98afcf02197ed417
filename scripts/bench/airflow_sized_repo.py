"""Writes a git fast-import stream of an Airflow-sized history to stdout.

Releases are tagged every few commits; most commits touch other files; migrations are added steadily, and from
release 3.0.0 on they live in the 3.x folder (3.x keeps only the revisions from the "2.7.0" one on, which then
revises nothing, like the real move). Usage: airflow_sized_repo.py TAGS MIGRATIONS COMMITS
"""
import sys

tags, migrations, commits = (int(a) for a in sys.argv[1:4])
OLD = "airflow/migrations/versions/"
NEW = "airflow-core/src/airflow/migrations/versions/"
out = sys.stdout.buffer
mark = 0


def blob(text):
    global mark
    mark += 1
    data = text.encode()
    out.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)) + data + b"\n")
    return mark


def migration(i, parent, version):
    down = "None" if parent is None else '"%012x"' % parent
    return ('"""Migration %d.\n\nRevision ID: %012x\nRevises: %s\n"""\n\nrevision = "%012x"\ndown_revision = %s\n'
            'branch_labels = None\ndepends_on = None\nairflow_version = "%s"\n\n\ndef upgrade():\n    pass\n'
            % (i, i + 1, down, i + 1, down, version))


versions = []
for major, minors in ((2, 12), (3, 8)):
    for minor in range(minors):
        for patch in range(10):
            versions.append("%d.%d.%d" % (major, minor, patch))
versions = versions[:tags]
first_new = next(i for i, v in enumerate(versions) if v.startswith("3."))
commits_per_tag = commits // len(versions)
migrations_per_tag = migrations / len(versions)
files = {}  # migration number -> (path, blob mark)
keep_from = None
made = 0
commit_no = 0
for t, version in enumerate(versions):
    layout_changed = t == first_new
    if layout_changed:
        keep_from = int(made * 0.6)
    for c in range(commits_per_tag):
        commit_no += 1
        changes = []
        if c == commits_per_tag - 1:
            while made < int((t + 1) * migrations_per_tag):
                parent = None if made == 0 or (keep_from is not None and made == keep_from) else made
                folder = OLD if keep_from is None else NEW
                m = blob(migration(made, parent, version))
                files[made] = (folder + "%04d_%s_migration_%d.py" % (made, version.replace(".", "_"), made), m)
                changes.append(b"M 100644 :%d %s\n" % (m, files[made][0].encode()))
                made += 1
            if layout_changed:
                changes.append(b"D airflow/migrations\n")
                for n in range(keep_from, made):
                    path, m = files[n]
                    if path.startswith(OLD):
                        if n == keep_from:
                            m = blob(migration(n, None, version))
                        path = NEW + path[len(OLD):]
                        files[n] = (path, m)
                        changes.append(b"M 100644 :%d %s\n" % (m, path.encode()))
        readme = blob("commit %d\n" % commit_no)
        changes.append(b"M 100644 :%d README.md\n" % readme)
        message = b"commit %d" % commit_no
        out.write(b"commit refs/heads/main\ncommitter Bench <bench@example.org> %d +0000\ndata %d\n%s\n"
                  % (1600000000 + commit_no, len(message), message))
        out.write(b"".join(changes))
    out.write(b"tag %s\nfrom refs/heads/main\ntagger Bench <bench@example.org> %d +0000\ndata 7\nrelease\n"
              % (version.encode(), 1600000000 + commit_no))
    if t % 5 == 0:
        other = b"providers-bench/%d.0.0" % t
        out.write(b"reset refs/tags/%s\nfrom refs/heads/main\n\n" % other)
