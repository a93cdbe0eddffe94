"""How the applicant's program is told where the service is, and what it says when that is
wrong, before anything goes on the network: an http:// address or no service at all is a
mistake in the settings (exit 2, saying https is required or how to name the service); a
--ca-file that is missing or holds no certificate is a local file failing (exit 4, saying
so), not "the service is not the one we trust"."""
import os
import subprocess

import pytest

from conftest import BUILDDIR
from service import program_env

NUMBER = "2980-2415-3392-8922-3960-5271-8639"


def ncaenroll(home, *args, lang="en"):
    env = program_env()
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "cfg"),
               XDG_STATE_HOME=str(home / "xdg"))
    return subprocess.run([os.path.join(BUILDDIR, "uninstalled-env"),
                           os.path.join(BUILDDIR, "ncaenroll"), "--lang", lang, *args],
                          capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
                          timeout=60)


@pytest.mark.parametrize("cmd", [["status", NUMBER], ["apply", "--bin", "940140000385"]])
def test_an_http_address_is_a_usage_error(tmp_path, cmd):
    p = ncaenroll(tmp_path, "--service", "http://127.0.0.1:9", *cmd)
    assert p.returncode == 2, p.stderr
    assert "https://" in p.stderr


def test_no_service_is_a_usage_error_that_says_how_to_name_one(tmp_path):
    p = ncaenroll(tmp_path, "status", NUMBER)
    assert p.returncode == 2, p.stderr
    assert "--service" in p.stderr and "config.yaml" in p.stderr


def test_a_missing_ca_file_is_a_local_failure_that_says_so(tmp_path):
    missing = tmp_path / "nowhere" / "ca.pem"
    p = ncaenroll(tmp_path, "--service", "https://127.0.0.1:9", "--ca-file", str(missing),
                  "status", NUMBER)
    assert p.returncode == 4, p.stderr
    assert str(missing) in p.stderr and "does not exist" in p.stderr
    assert "trust" not in p.stderr


def test_a_ca_file_without_a_certificate_is_a_local_failure(tmp_path):
    bad = tmp_path / "ca.pem"
    bad.write_text("this is not a certificate\n")
    p = ncaenroll(tmp_path, "--service", "https://127.0.0.1:9", "--ca-file", str(bad),
                  "status", NUMBER)
    assert p.returncode == 4, p.stderr
    assert str(bad) in p.stderr and "no CA certificate" in p.stderr


def test_settings_errors_read_in_the_persons_language(tmp_path):
    p = ncaenroll(tmp_path, "--service", "http://127.0.0.1:9", "status", NUMBER, lang="kk")
    assert p.returncode == 2
    assert "https://" in p.stderr and "қызмет" in p.stderr
    p = ncaenroll(tmp_path, "--service", "https://127.0.0.1:9", "--ca-file",
                  str(tmp_path / "x.pem"), "status", NUMBER, lang="ru")
    assert p.returncode == 4
    assert "нет" in p.stderr, p.stderr


def test_commands_that_need_no_service_still_work_without_one(tmp_path):
    p = ncaenroll(tmp_path, "--json", "list")
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[]"
