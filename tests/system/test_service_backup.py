"""`ncaenrolld backup FILE` (ncaenrolld(8)): an online copy of the SQLite store, taken while
the service writes, that sqlite opens whole with every application in it; 0600, never
over a file unless --force, and a clear refusal for a store that is not SQLite. And the
copy a migration takes first: a store of an older schema is kept as DB.before-vN."""
import os
import sqlite3
import stat
import subprocess
import threading
import time

import pytest

from service import DEMO_CONFIG_DEFAULT, SANITIZER_MARKS, Service, program, program_env

SCHEMA = 6      # store-sqlite.c's STORE_SQLITE_VERSION


def admin(state, *args, config=None, lang="en"):
    cmd = [*program(), "--demo", "--state-dir", str(state)]
    if config is not None:
        cmd = [*program(), "--config", str(config)]
    p = subprocess.run([*cmd, *args], capture_output=True, text=True,
                       env={**program_env(), "LANGUAGE": lang},
                       stdin=subprocess.DEVNULL, timeout=120)
    for mark in SANITIZER_MARKS:
        assert mark not in p.stderr, p.stderr
    return p


def numbers(db):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        assert c.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return {r[0] for r in c.execute("SELECT number FROM applications")}


def test_backup_while_the_service_writes(tmp_path):
    from test_ra_service import Desk
    desk = Desk(tmp_path)
    out = tmp_path / "copies"
    out.mkdir()
    stop = threading.Event()
    writes = []

    def write():        # every captcha is a row written to the store
        while not stop.is_set():
            writes.append(desk.svc.request("POST", "/api/v1/captcha")[0])

    try:
        made = {desk.apply() for _ in range(2)}
        writer = threading.Thread(target=write)
        writer.start()
        try:
            for i in range(3):
                p = admin(desk.state, "backup", str(out / f"copy{i}.db"))
                assert p.returncode == 0, p.stderr
                assert p.stdout == f"the store is copied to {out}/copy{i}.db\n"
                # an application submitted meanwhile is in the next copy or not at all
                made.add(desk.apply())
        finally:
            stop.set()
            writer.join()
        assert writes and set(writes) == {200}, "the service served on"
    finally:
        desk.stop()
    # one file each (no temp, no -wal), the service's alone
    assert sorted(os.listdir(out)) == ["copy0.db", "copy1.db", "copy2.db"]
    for i in range(3):
        copy = out / f"copy{i}.db"
        assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
        # every application submitted before it, whole
        got = numbers(copy)
        assert len(got) == 2 + i and got <= made, (i, got)


def test_backup_refuses_to_overwrite_unless_forced(tmp_path):
    svc = Service(tmp_path / "state")
    svc.stop()
    dest = tmp_path / "copy.db"
    dest.write_text("an older copy\n")
    p = admin(tmp_path / "state", "backup", str(dest))
    assert p.returncode == 1
    assert p.stderr == f"ncaenrolld: backup: {dest} exists (--force replaces it)\n"
    assert dest.read_text() == "an older copy\n"
    p = admin(tmp_path / "state", "backup", "--force", str(dest))
    assert p.returncode == 0, p.stderr
    assert numbers(dest) == set()
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
    assert admin(tmp_path / "state", "backup").returncode == 2
    p = admin(tmp_path / "state", "backup", str(tmp_path / "no" / "such" / "dir.db"))
    assert p.returncode == 1 and "cannot write" in p.stderr, p.stderr


@pytest.mark.parametrize("lang,want", [
    ("kk", "жазу мүмкін болмады: ол жоқ"),
    ("ru", "такой нет"),
])
def test_the_refusal_is_in_the_operators_language(tmp_path, lang, want):
    """The system's reason too: the C library's English has no place in a Kazakh line."""
    svc = Service(tmp_path / "state")
    svc.stop()
    p = admin(tmp_path / "state", "backup", str(tmp_path / "no" / "dir.db"), lang=lang)
    assert p.returncode == 1 and want in p.stderr, p.stderr
    assert "No such file" not in p.stderr, p.stderr
    assert "Нет такого файла" not in p.stderr, p.stderr     # glibc's, not ours


def test_a_copy_cut_short_is_removed_by_the_next(tmp_path):
    """A backup killed in the middle leaves FILE.XXXXXX, a whole store's data. The next
    backup to FILE removes it (and its journal) and says so; the temporary file of a copy
    still being written (its writer holds a lock on it) is left alone."""
    svc = Service(tmp_path / "state")
    svc.stop()
    out = tmp_path / "out"
    out.mkdir()
    left = out / "copy.db.Ab12Cd"
    left.write_bytes(b"SQLite format 3\0 half a copy")
    os.chmod(left, 0o600)
    (out / "copy.db.Ab12Cd-journal").write_bytes(b"journal")
    alive = out / "copy.db.Zz98Yy"
    alive.write_bytes(b"another copy being written")
    other = out / "other.db.Ab12Cd"     # another file's copy: not this backup's business
    other.write_bytes(b"x")
    holder = subprocess.Popen(["flock", str(alive), "sleep", "60"])
    try:
        deadline = time.monotonic() + 10    # flock(1) has the lock once it runs sleep
        while not subprocess.run(["flock", "-n", str(alive), "true"]).returncode and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        p = admin(tmp_path / "state", "backup", str(out / "copy.db"))
        assert p.returncode == 0, p.stderr
        assert f"removed {left}, the temporary file of a copy of the store that was cut " \
               "short" in p.stderr, p.stderr
        assert sorted(f.name for f in out.iterdir()) == \
            ["copy.db", "copy.db.Zz98Yy", "other.db.Ab12Cd"]
        assert numbers(out / "copy.db") == set()
    finally:
        holder.kill()
        holder.wait()


def test_backup_says_what_to_use_for_postgresql(tmp_path):
    conf = tmp_path / "ncaenrolld.yaml"
    conf.write_text("store: postgresql://ncaenroll@localhost/ncaenroll\n"
                    "ca:\n  crl_url: http://crl.example.kz/ca.crl\n"
                    "  delta_crl_url: http://crl.example.kz/ca_d.crl\n"
                    "  ocsp_url: http://ocsp.example.kz\n"
                    "  ca_issuers_url: http://pki.example.kz/ca.cer\n"
                    "  cps_url: https://pki.example.kz/cps\n")
    p = admin(None, "backup", str(tmp_path / "copy.db"), config=conf)
    assert p.returncode == 1
    assert "only an SQLite store" in p.stderr and "pg_dump" in p.stderr, p.stderr
    assert not (tmp_path / "copy.db").exists()


def test_a_migration_keeps_the_store_as_it_was(tmp_path):
    """A store of schema 5 (the last migration undone, rows kept) is copied to
    ncaenrolld.db.before-v6 before the service migrates it, and the log says so."""
    from test_ra_service import Desk
    desk = Desk(tmp_path)
    try:
        number = desk.apply()
    finally:
        desk.stop()
    db = os.path.join(desk.state, "ncaenrolld.db")
    with sqlite3.connect(db) as c:
        c.executescript("ALTER TABLE tokens DROP COLUMN client;"
                        "ALTER TABLE tokens DROP COLUMN iin_checks;"
                        f"DELETE FROM schema_migrations WHERE version = {SCHEMA};")
    c.close()
    svc = Service(desk.state, config=DEMO_CONFIG_DEFAULT)
    svc.stop()
    kept = db + f".before-v{SCHEMA}"
    assert f"copied to {kept} before migrating to version {SCHEMA}" in svc.stderr, \
        svc.stderr
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600
    assert numbers(kept) == {number}
    with sqlite3.connect(f"file:{kept}?mode=ro", uri=True) as c:
        assert c.execute("SELECT MAX(version) FROM schema_migrations").fetchone() == \
            (SCHEMA - 1,)
        assert "client" not in [r[1] for r in c.execute("PRAGMA table_info(tokens)")]
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        assert c.execute("SELECT MAX(version) FROM schema_migrations").fetchone() == \
            (SCHEMA,)
    # a store at the current schema is not copied again
    os.unlink(kept)
    Service(desk.state, config=DEMO_CONFIG_DEFAULT).stop()
    assert not os.path.exists(kept)
