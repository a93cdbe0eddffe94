"""The service starts only on private keys of its own: a CA key or an operators' CA key
that its group or others may read is refused, and so is a TLS key others may read (its
group may: Debian's ssl-cert group keeps TLS keys 0640). The refusal names the file and
the chmod that fixes it (doc/security.md). The real service on its demo state."""
import os

import pytest

from service import Service


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys") / "state"
    Service(folder).stop()
    return folder


def refused(state):
    with pytest.raises(AssertionError) as e:
        Service(state, timeout=60)
    return str(e.value)


@pytest.mark.parametrize("name", ["ca.key", "operators-ca.key"])
@pytest.mark.parametrize("mode", [0o640, 0o604])
def test_a_ca_key_others_may_read_is_refused(state, name, mode):
    key = state / name
    assert key.exists(), sorted(os.listdir(state))
    key.chmod(mode)
    try:
        said = refused(state)
        assert f"{key} (mode {mode:04o}): make it 0600 (chmod 600 {key})" in said, said
    finally:
        key.chmod(0o600)
    Service(state).stop()


def test_a_tls_key_its_group_may_read_serves(state):
    key = state / "tls.key"
    key.chmod(0o640)
    try:
        svc = Service(state)
        try:
            assert svc.request("GET", "/api/v1/crl")[0] == 200
        finally:
            svc.stop()
        key.chmod(0o644)
        said = refused(state)
        assert f"others may read {key} (mode 0644): make it 0640 or 0600 " \
            f"(chmod o-rwx {key})" in said, said
    finally:
        key.chmod(0o600)
