"""A PostgreSQL cluster of the test's own: `initdb` and `pg_ctl start` in a temporary
folder, listening only on a unix socket in that folder (no TCP port to collide with), fsync
off. Run as root (CI), the server runs as the `postgres` user the Debian package makes
(initdb refuses root) and the folder is handed to it. `PgCluster.database(name)` makes a
database and gives the `store:` URI for it; `query()` reads one value with psql."""
import os
import pwd
import shutil
import subprocess
import tempfile

import pytest

PGBIN = "/usr/lib/postgresql/15/bin"


def _as_server(cmd):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


class PgCluster:
    def __init__(self):
        if not os.access(os.path.join(PGBIN, "initdb"), os.X_OK):
            pytest.skip("PostgreSQL 15's server is not installed (deps/debian-packages)")
        # Not under pytest's folders, which are root's own (0700) and long: the postgres
        # user must reach it, and a unix socket's path is short.
        self.dir = tempfile.mkdtemp(prefix="nca-pg-", dir="/tmp")
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        os.chmod(self.dir, 0o755)
        self.data = os.path.join(self.dir, "data")
        self._run([f"{PGBIN}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
                   "--no-sync", "--encoding=UTF8", "--locale=C"])
        opts = (f"-c listen_addresses='' -c unix_socket_directories={self.dir}"
                " -c fsync=off -c synchronous_commit=off -c max_connections=100")
        self._run([f"{PGBIN}/pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"),
                   "-w", "-o", opts, "start"])

    def _run(self, cmd):
        r = subprocess.run(_as_server(cmd), capture_output=True, text=True,
                           stdin=subprocess.DEVNULL)
        assert r.returncode == 0, f"{' '.join(cmd)}: {r.stdout}{r.stderr}"

    def uri(self, db):
        return f"postgresql:///{db}?host={self.dir}&user=postgres"

    def database(self, name):
        self.query("postgres", f"CREATE DATABASE {name}")
        return self.uri(name)

    def query(self, db, sql):
        psql = shutil.which("psql") or f"{PGBIN}/psql"
        r = subprocess.run([psql, "-X", "-q", "-A", "-t", "-h", self.dir, "-U", "postgres",
                            "-d", db, "-c", sql], capture_output=True, text=True)
        assert r.returncode == 0, f"{sql}: {r.stderr}"
        return r.stdout.strip()

    def stop(self):
        subprocess.run(_as_server([f"{PGBIN}/pg_ctl", "-D", self.data, "-m", "fast", "-w",
                                   "stop"]), capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def pg():
    c = PgCluster()
    yield c
    c.stop()
