"""The applicant's command line against the real ncaenrolld on loopback over TLS:
apply -> approval -> status -> install -> "Certificates installed", and what a person sees
when something is wrong. Nothing here is mocked: keys, CSRs, certificates and containers
are real, and the containers are opened by OpenSSL."""
import json
import os
import stat
import subprocess
import time

import pytest

from conftest import BUILDDIR
from fixtures import service_fixture
from service import program_env

DEMO = dict(bin="940140000385", iin="871008401427", role="ROLE02", region="karaganda",
            city="karaganda", gu_code="1001")


svc = service_fixture("svc", extra=["--auto-approve", "1"])


class Applicant:
    """One person's computer: a state file and a key folder of their own."""

    def __init__(self, svc, home):
        self.svc, self.home = svc, home
        self.state = os.path.join(home, "state.yaml")
        self.keys = os.path.join(home, "keys")

    def program(self):
        """The program this computer runs (test_resume's crashing copy says another)."""
        return os.path.join(BUILDDIR, "ncaenroll")

    def env(self, lang):
        env = program_env()
        env.update(HOME=self.home, XDG_STATE_HOME=os.path.join(self.home, "xdg"),
                   XDG_CONFIG_HOME=os.path.join(self.home, "cfg"), LANGUAGE=lang)
        return env

    def run(self, *args, password=None, lang="en", demo=False):
        """ncaenroll ARGS; password goes in on a pipe, its descriptor put for "PWFD"."""
        cmd = [os.path.join(BUILDDIR, "uninstalled-env"), self.program()]
        if demo:
            cmd.append("--demo")
        else:
            cmd += ["--service", self.svc.base, "--ca-file", self.svc.cafile,
                    "--state", self.state]
        pass_fds = ()
        if password is not None:
            r, w = os.pipe()
            os.write(w, password.encode() + b"\n")
            os.close(w)
            args = [a if a != "PWFD" else str(r) for a in args]
            pass_fds = (r,)
        try:
            return subprocess.run(cmd + list(args), capture_output=True, text=True,
                                  env=self.env(lang), stdin=subprocess.DEVNULL,
                                  pass_fds=pass_fds, timeout=180)
        finally:
            for fd in pass_fds:
                os.close(fd)

    def apply(self, demo=False, **over):
        values = dict(DEMO, captcha_answer=self.svc.captcha_code if not demo else "K7M3P",
                      dir=self.keys, email="buhgalter@mail.kz")
        values.update(over)
        args = ["apply", "--json"]
        for k, v in values.items():
            if v is not None:
                args += ["--" + k.replace("_", "-"), v]
        return self.run(*args, demo=demo)


def wait_status(applicant, number, want, demo=False, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        p = applicant.run("--json", "status", number, demo=demo)
        if p.returncode == 0 and json.loads(p.stdout)["status"] == want:
            return json.loads(p.stdout)
        time.sleep(0.5)
    raise AssertionError(f"{number} never became {want}: {p.stdout} {p.stderr}")


def issued(svc, home, **kw):
    """An application made with the command line (apply's values changed by kw) and
    approved by a service started with --auto-approve: the applicant and its number."""
    me = Applicant(svc, home)
    p = me.apply(**kw)
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    wait_status(me, number, "issued")
    return me, number


def snapshot(folder):
    return {n: open(os.path.join(folder, n), "rb").read() for n in sorted(os.listdir(folder))}


def test_whole_path_on_a_pc_folder(svc, tmp_path):
    me = Applicant(svc, str(tmp_path))
    p = me.apply()
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    assert len(number) == 34
    # A demo mails into its own maildir (ncaenrolld(8)): the e-mail is queued.
    assert json.loads(p.stdout)["mail"] == "queued"
    # The form names the role, region and city in the reader's language, without the
    # network (the names were kept when they were chosen), not ROLE02 and karaganda.
    form = me.run("form", number, lang="ru").stdout
    assert "Лицо с правом подписи" in form and "Карагандинская область" in form, form
    assert "ROLE02" not in form
    # Two pending keys, private, named so a person knows what they are.
    assert stat.S_IMODE(os.stat(me.keys).st_mode) == 0o700
    pending = sorted(os.listdir(me.keys))
    assert [n.split("-")[-1] for n in pending] == ["AUTH.key", "SIGN.key"]
    for n in pending:
        assert stat.S_IMODE(os.stat(os.path.join(me.keys, n)).st_mode) == 0o600

    wait_status(me, number, "issued")
    p = me.run("--json", "install", "--password-fd", "PWFD", number, password="Qwerty12")
    assert p.returncode == 0, p.stderr
    done = json.loads(p.stdout)
    auth, sign = done["auth"], done["sign"]
    assert os.path.basename(auth).startswith("AUTH_RSA256_")
    assert os.path.basename(sign).startswith("RSA256_")
    assert sorted(os.listdir(me.keys)) == sorted([os.path.basename(auth),
                                                  os.path.basename(sign)])
    for f in (auth, sign):
        assert stat.S_IMODE(os.stat(f).st_mode) == 0o600
        ok = subprocess.run(["openssl", "pkcs12", "-in", f, "-noout", "-passin",
                             "pass:Qwerty12"], capture_output=True)
        assert ok.returncode == 0, ok.stderr
        bad = subprocess.run(["openssl", "pkcs12", "-in", f, "-noout", "-passin",
                              "pass:Qwerty13"], capture_output=True)
        assert bad.returncode != 0
    # The service now reads "Certificates installed".
    status, answer = svc.request("GET", f"/api/v1/applications/{number}")
    assert status == 200 and answer["status"] == "installed"
    assert answer["status_label"] == "Certificates installed"
    # Nothing secret ever reached the state file.
    text = open(me.state, encoding="utf-8").read()
    assert "Qwerty12" not in text and "PRIVATE KEY" not in text


def test_weak_password_refused_before_anything_is_written(svc, tmp_path):
    me = Applicant(svc, str(tmp_path))
    number = json.loads(me.apply().stdout)["request_number"]
    wait_status(me, number, "issued")
    before = snapshot(me.keys)
    state_before = open(me.state, "rb").read()
    p = me.run("install", "--password-fd", "PWFD", number, password="пароль")
    assert p.returncode == 1
    assert "not allowed" in p.stderr and "digit" in p.stderr
    assert snapshot(me.keys) == before
    assert open(me.state, "rb").read() == state_before
    # And the right password still works afterwards.
    p = me.run("install", "--password-fd", "PWFD", number, password="Zhaksy2026")
    assert p.returncode == 0, p.stderr
    assert "Certificates installed" in p.stdout


def test_install_again_is_harmless(svc, tmp_path):
    me = Applicant(svc, str(tmp_path))
    number = json.loads(me.apply().stdout)["request_number"]
    wait_status(me, number, "issued")
    assert me.run("install", "--password-fd", "PWFD", number,
                  password="Qwerty12").returncode == 0
    files = snapshot(me.keys)
    p = me.run("install", "--password-fd", "PWFD", number, password="Qwerty12")
    assert p.returncode == 0, p.stderr
    assert snapshot(me.keys) == files


@pytest.mark.parametrize("field,value,code", [
    ("bin", "940140000386", "bin.check_digit"),
    ("iin", "871008401428", "iin.check_digit"),
    ("captcha_answer", "WRONG9", None),
    ("gu_code", "9999", "value.unknown"),
    ("city", "almaty", "value.unknown"),
    ("email", "buhgalter@mail", "email.domain_no_dot"),
])
def test_bad_value_refused_at_its_field(svc, tmp_path, field, value, code):
    me = Applicant(svc, str(tmp_path))
    p = me.apply(**{field: value})
    assert p.returncode == 1, p.stderr
    err = json.loads(p.stdout)["error"]
    assert err["field"] == field
    if code:
        assert err["code"] == code
    assert not os.path.exists(me.keys) or os.listdir(me.keys) == []


def test_missing_value_without_a_terminal(svc, tmp_path):
    me = Applicant(svc, str(tmp_path))
    p = me.apply(iin=None)
    assert p.returncode == 2
    err = json.loads(p.stdout)["error"]        # under --json the reason is in the answer
    assert err["field"] == "iin" and "IIN of the applicant is missing" in err["message"]


def test_resume_keeps_what_was_given(svc, tmp_path):
    """A refused value ends the run; resuming asks only for what is missing."""
    me = Applicant(svc, str(tmp_path))
    p = me.apply(gu_code="9999")
    assert p.returncode == 1
    draft = json.loads(me.run("--json", "list").stdout)
    assert len(draft) == 1 and draft[0]["state"] == "draft"
    p = me.run("--json", "apply", "--resume", draft[0]["id"], "--gu-code", "1001",
               "--captcha-answer", svc.captcha_code)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["id"] == draft[0]["id"]
    apps = json.loads(me.run("--json", "list").stdout)
    assert len(apps) == 1 and apps[0]["state"] == "submitted"


def test_abandon_a_draft_but_not_a_sent_application(svc, tmp_path):
    """A draft given up is no longer unfinished; a sent application is the desk's."""
    me = Applicant(svc, str(tmp_path))
    assert me.apply(gu_code="9999").returncode == 1
    draft = json.loads(me.run("--json", "list").stdout)[0]
    assert draft["state"] == "draft"
    p = me.run("abandon", draft["id"])
    assert p.returncode == 0, p.stderr
    assert f"Application {draft['id']} is abandoned." in p.stdout
    assert json.loads(me.run("--json", "list").stdout)[0]["state"] == "abandoned"
    assert me.run("abandon", draft["id"]).returncode == 0, "again: nothing to do"

    p = me.apply()
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    p = me.run("abandon", number)
    assert p.returncode == 1
    # At the desk, or (this service approves by itself) already issued: said which.
    assert number in p.stderr and ("registration desk" in p.stderr or
                                   f"ncaenroll install {number}" in p.stderr), p.stderr


def test_mistyped_request_number_caught_before_the_network(svc, tmp_path):
    me = Applicant(svc, str(tmp_path))
    number = json.loads(me.apply().stdout)["request_number"]
    typo = number[:-1] + str((int(number[-1]) + 1) % 10)
    p = me.run("status", typo)
    assert p.returncode == 1
    assert "mistyped digit" in p.stderr


def test_form_to_print(svc, tmp_path):
    me = Applicant(svc, str(tmp_path))
    number = json.loads(me.apply().stdout)["request_number"]
    p = me.run("form", number)
    assert p.returncode == 0, p.stderr
    assert number in p.stdout
    assert "940140000385" in p.stdout and "871008401427" in p.stdout


def test_untrusted_service_is_named(svc, tmp_path):
    me = Applicant(svc, str(tmp_path))
    other = tmp_path / "other.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(tmp_path / "k.pem"), "-out", str(other), "-subj", "/CN=x",
                    "-days", "1"], check=True, capture_output=True)
    env = program_env()
    env.update(HOME=str(tmp_path))
    p = subprocess.run([os.path.join(BUILDDIR, "uninstalled-env"),
                        os.path.join(BUILDDIR, "ncaenroll"), "--service", svc.base,
                        "--ca-file", str(other), "--state", me.state, "status",
                        "0000-0000-0000-0000-0000-0000-0000"], capture_output=True, text=True,
                       env=env)
    # The number's check digit is right, so only the service's certificate stops it: the
    # service is not trusted (3, not the refusal 1 a service that was reached gives), and
    # the person is told it is the CA, naming the file of the CA trusted.
    assert p.returncode == 3, (p.stdout, p.stderr)
    said = " ".join(p.stderr.split())
    assert f"the service at {svc.base} is not the one we trust" in said, said
    assert f"its certificate is not signed by a CA in {other}" in said, said
    assert "another name" not in said, said
    p = me.run("status")
    assert p.returncode == 0


def test_demo_mode_keeps_its_data_between_commands(tmp_path):
    """`ncaenroll --demo` starts its own service each time and finds earlier applications."""
    me = Applicant(None, str(tmp_path))
    p = me.apply(demo=True)
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    time.sleep(6)  # the demo service approves after 5 seconds
    wait_status(me, number, "issued", demo=True)
    p = me.run("install", "--password-fd", "PWFD", number, password="Qwerty12", demo=True)
    assert p.returncode == 0, p.stderr
    assert "Certificates installed" in p.stdout
    # Demo data lives apart from real state.
    assert os.path.exists(os.path.join(str(tmp_path), "xdg/ncaenroll/demo/state.yaml"))
    assert not os.path.exists(os.path.join(str(tmp_path), "xdg/ncaenroll/state.yaml"))


def test_settings_file_names_the_service(svc, tmp_path):
    """~/.config/ncaenroll/config.yaml stands in for --service/--ca-file/--state."""
    cfg = tmp_path / "cfg" / "ncaenroll"
    cfg.mkdir(parents=True)
    (cfg / "config.yaml").write_text(f"service: {svc.base}\nca_file: {svc.cafile}\n"
                                     f"state: {tmp_path / 'state.yaml'}\n")
    me = Applicant(svc, str(tmp_path))
    assert me.apply().returncode == 0
    env = program_env()
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    run = [os.path.join(BUILDDIR, "uninstalled-env"), os.path.join(BUILDDIR, "ncaenroll")]
    p = subprocess.run(run + ["--json", "status"], capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)[0]["status"] in ("submitted", "issued")
    (cfg / "config.yaml").write_text("service: x\nproxy: y\n")
    p = subprocess.run(run + ["status"], capture_output=True, text=True, env=env)
    assert p.returncode == 2
    assert "config.yaml:2: unknown setting" in p.stderr


def test_a_script_gets_one_answer_for_several_refusals(svc, tmp_path):
    """Two bad values: one JSON answer (the first refusal), and the good values kept."""
    me = Applicant(svc, str(tmp_path))
    p = me.apply(gu_code="9999", email="buhgalter@mail")
    assert p.returncode == 1
    answers = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    assert len(answers) == 1
    assert answers[0]["error"]["field"] == "email"
