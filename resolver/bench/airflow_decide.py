"""The resolver's first decision made the other way, for the benchmark: import Airflow, read alembic_version, and walk
Airflow's own alembic scripts from the database's revision down to the target release's head.

    airflow_decide.py SQLALCHEMY_URL TARGET_VERSION
"""
import sys

from alembic.script import ScriptDirectory
from packaging.version import Version
from sqlalchemy import create_engine, text

from airflow.utils.db import _REVISION_HEADS_MAP, _get_alembic_config

url, target = sys.argv[1], sys.argv[2]
with create_engine(url).connect() as connection:
    current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
script = ScriptDirectory.from_config(_get_alembic_config())
# The table lists only releases that added migrations: the target's head is that of the newest one not after it.
goal = _REVISION_HEADS_MAP[max((v for v in _REVISION_HEADS_MAP if Version(v) <= Version(target)), key=Version)]
undo = [revision.revision for revision in script.iterate_revisions(current, goal)]
print({"action": "downgrade" if undo else "none", "from": current, "to": goal, "revisions": len(undo)})
