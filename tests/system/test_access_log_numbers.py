"""The access log does not hold request numbers: a number is the key to an application's
status and certificates, and whoever reads the logs must not hold it. The access log
names an application by the first group of its number only ("4821-*"): enough to follow
one through the log, far too little to ask the service about it (doc/api.md "The access
log"). The real service over TLS; its log is what it writes on stderr."""
from csrs import csr, rsa_key, submit
from service import Service


def test_access_log_keeps_only_a_prefix(tmp_path):
    svc = Service(tmp_path / "state")
    try:
        key_auth, key_sign = rsa_key(tmp_path / "auth.key"), rsa_key(tmp_path / "sign.key")
        st, ans = submit(svc, csr(key_auth, "/CN=auth"), csr(key_sign, "/CN=sign"))
        assert st == 201, ans
        number = ans["request_number"]
        digits = number.replace("-", "")
        paths = [f"/api/v1/applications/{number}", f"/api/v1/applications/{digits}",
                 f"/api/v1/applications/{number}/certificates",
                 "/api/v1/applications/" + number.replace("-", "%20")]
        for path in paths:
            st, _ = svc.request("GET", path)
            assert st in (200, 403, 404), (path, st)
    finally:
        svc.stop()
    access = [ln for ln in svc.stderr.splitlines() if '"GET /api/v1/applications/' in ln]
    assert len(access) == len(paths), svc.stderr
    first = number[:4]
    for line in access:
        request = line.split('"')[1]
        assert digits not in request.replace("-", "").replace("%20", ""), line
        assert number[5:9] not in request, line     # not even the second group
        assert f"/api/v1/applications/{first}-*" in request, line
    assert access[2].split('"')[1].endswith("-*/certificates"), access[2]


def test_event_lines_keep_only_a_prefix(tmp_path):
    """Not only the access log: the lines that tell what happened to an application
    ("submitted", "approved", a mail sent) name it by its first group too."""
    svc = Service(tmp_path / "state")
    try:
        key_auth, key_sign = rsa_key(tmp_path / "auth.key"), rsa_key(tmp_path / "sign.key")
        st, ans = submit(svc, csr(key_auth, "/CN=auth"), csr(key_sign, "/CN=sign"))
        assert st == 201, ans
        number = ans["request_number"]
    finally:
        svc.stop()
    submitted = [ln for ln in svc.stderr.splitlines() if " submitted" in ln]
    assert len(submitted) == 1 and f"application {number[:4]}-* submitted" in submitted[0], \
        svc.stderr
    assert number.replace("-", "") not in svc.stderr.replace("-", ""), svc.stderr
